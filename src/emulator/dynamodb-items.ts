/**
 * Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. Writes are split into a
 * validated plan (`prepareWrite`) and its execution against the current item, so
 * TransactWriteItems can check every condition before committing anything.
 */
import { conditionFailed, validation } from './dynamodb-errors.ts'
import { evaluateCondition, project } from './dynamodb-evaluate.ts'
import {
  type Condition,
  parseCondition,
  parseProjection,
  type PathNode,
  type UpdateAction,
} from './dynamodb-expressions.ts'
import { parseUpdate } from './dynamodb-update-parser.ts'
import {
  type Body,
  checkUnused,
  expressionInput,
  optionalBoolean,
  optionalEnum,
  optionalString,
  refuseLegacy,
  requiredItem,
  tableNameOf,
} from './dynamodb-input.ts'
import { checkItemKey, checkKey, keyOf, type Table } from './dynamodb-table.ts'
import { findTable, type OperationContext } from './dynamodb-tables.ts'
import { applyUpdate, checkUpdateActions, updatedPaths } from './dynamodb-update.ts'
import { itemSize } from './dynamodb-compare.ts'
import { cloneItem, type Item, MAX_ITEM_BYTES } from './dynamodb-values.ts'

/** The kinds of write a plan can describe. */
export type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck'

/** A validated write, ready to run against the table's current item. */
export interface WritePlan {
  readonly kind: WriteKind
  readonly table: Table
  readonly key: Item
  readonly condition: Condition | undefined
  readonly returnOldOnFailure: boolean
  /** The item after the write (undefined: absent), computed from the item before it. */
  after(before: Item | undefined): Item | undefined
  readonly updated: readonly PathNode[]
}

const LEGACY_WRITE = ['Expected', 'ConditionalOperator', 'AttributeUpdates']

/** Validate one write request (PutItem/UpdateItem/DeleteItem body or a transaction element). */
export function prepareWrite(ctx: OperationContext, kind: WriteKind, body: Body): WritePlan {
  refuseLegacy(body, LEGACY_WRITE)
  const table = findTable(ctx, tableNameOf(body))
  const input = expressionInput(body)
  const conditionText = optionalString(body, 'ConditionExpression')
  if (kind === 'ConditionCheck' && conditionText === undefined) {
    throw validation(
      "1 validation error detected: Value null at 'conditionExpression' failed to satisfy constraint: Member must not be null",
    )
  }
  const condition = conditionText === undefined
    ? undefined
    : parseCondition(conditionText, 'ConditionExpression', input.scope)
  const returnOldOnFailure =
    optionalEnum(body, 'ReturnValuesOnConditionCheckFailure', ['ALL_OLD', 'NONE'] as const) ===
      'ALL_OLD'
  let key: Item
  let after: WritePlan['after']
  let actions: UpdateAction[] = []
  if (kind === 'Put') {
    const item = requiredItem(body, 'Item')
    checkItemKey(table, item)
    if (itemSize(item) > MAX_ITEM_BYTES) {
      throw validation('Item size has exceeded the maximum allowed size')
    }
    key = keyOf(table, item)
    after = () => cloneItem(item)
  } else {
    key = checkKey(table, requiredItem(body, 'Key'))
    if (kind === 'Update') {
      const updateText = optionalString(body, 'UpdateExpression')
      if (updateText !== undefined) {
        actions = parseUpdate(updateText, input.scope)
        checkUpdateActions(actions, table.keyNames)
      }
      after = (before) => {
        const item = applyUpdate(before ?? cloneItem(key), actions)
        if (itemSize(item) > MAX_ITEM_BYTES) {
          throw validation('Item size to update has exceeded the maximum allowed size')
        }
        return item
      }
    } else if (kind === 'Delete') {
      after = () => undefined
    } else {
      after = (before) => before
    }
  }
  const anyExpression = condition !== undefined || body.UpdateExpression !== undefined
  checkUnused(input, anyExpression)
  return { kind, table, key, condition, returnOldOnFailure, after, updated: updatedPaths(actions) }
}

/** Whether the plan's condition holds for the current item. */
export function conditionHolds(plan: WritePlan, before: Item | undefined): boolean {
  return plan.condition === undefined || evaluateCondition(plan.condition, before ?? {})
}

/** Run a plan on its own: check, compute, store. Returns the items before and after. */
export function executeWrite(
  plan: WritePlan,
): { before: Item | undefined; after: Item | undefined } {
  const before = plan.table.get(plan.key)
  if (!conditionHolds(plan, before)) {
    throw conditionFailed(plan.returnOldOnFailure ? before : undefined)
  }
  const after = plan.after(before)
  commit(plan, after)
  return { before, after }
}

/** Store a plan's computed result. */
export function commit(plan: WritePlan, after: Item | undefined): void {
  if (plan.kind === 'ConditionCheck') return
  if (after === undefined) plan.table.delete(plan.key)
  else plan.table.put(after)
}

const RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const

function attributes(item: Item | undefined): Record<string, unknown> {
  return item && Object.keys(item).length > 0 ? { Attributes: cloneItem(item) } : {}
}

/** PutItem (ReturnValues NONE or ALL_OLD). */
export function putItem(ctx: OperationContext, body: Body): Record<string, unknown> {
  const returnValues = optionalEnum(body, 'ReturnValues', RETURN_VALUES) ?? 'NONE'
  if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD') {
    throw validation('ReturnValues can only be ALL_OLD or NONE')
  }
  const { before } = executeWrite(prepareWrite(ctx, 'Put', body))
  return returnValues === 'ALL_OLD' ? attributes(before) : {}
}

/** DeleteItem (ReturnValues NONE or ALL_OLD). */
export function deleteItem(ctx: OperationContext, body: Body): Record<string, unknown> {
  const returnValues = optionalEnum(body, 'ReturnValues', RETURN_VALUES) ?? 'NONE'
  if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD') {
    throw validation('ReturnValues can only be ALL_OLD or NONE')
  }
  const { before } = executeWrite(prepareWrite(ctx, 'Delete', body))
  return returnValues === 'ALL_OLD' ? attributes(before) : {}
}

/** UpdateItem (creates the item when absent; all five ReturnValues). */
export function updateItem(ctx: OperationContext, body: Body): Record<string, unknown> {
  const returnValues = optionalEnum(body, 'ReturnValues', RETURN_VALUES) ?? 'NONE'
  const plan = prepareWrite(ctx, 'Update', body)
  const { before, after } = executeWrite(plan)
  switch (returnValues) {
    case 'NONE':
      return {}
    case 'ALL_OLD':
      return attributes(before)
    case 'ALL_NEW':
      return attributes(after)
    case 'UPDATED_OLD':
      return attributes(before && project(before, plan.updated))
    case 'UPDATED_NEW':
      return attributes(after && project(after, plan.updated))
  }
}

/** GetItem (ProjectionExpression optional; ConsistentRead accepted). */
export function getItem(ctx: OperationContext, body: Body): Record<string, unknown> {
  refuseLegacy(body, ['AttributesToGet'])
  const table = findTable(ctx, tableNameOf(body))
  const key = checkKey(table, requiredItem(body, 'Key'))
  optionalBoolean(body, 'ConsistentRead')
  const input = expressionInput(body)
  const projectionText = optionalString(body, 'ProjectionExpression')
  const projection = projectionText === undefined
    ? undefined
    : parseProjection(projectionText, input.scope)
  checkUnused(input, projection !== undefined)
  const item = table.get(key)
  if (!item) return {}
  return { Item: projection ? project(item, projection) : cloneItem(item) }
}
