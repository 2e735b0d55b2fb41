/**
 * DynamoDB's errors: the fault type carrying extra JSON members, constructors for the common
 * ones with AWS's exact messages, and the `__type` namespace each code lives in.
 */
import { EmulatorFault } from './context.ts'

/** An EmulatorFault whose JSON body carries extra members (CancellationReasons, Item). */
export class DynamoDbFault extends EmulatorFault {
  override name = 'DynamoDbFault'
  /** Members added to the error body next to `__type` and the message. */
  readonly members: Readonly<Record<string, unknown>>

  constructor(code: string, message: string, members: Record<string, unknown> = {}) {
    super(code, message, code === 'InternalServerError' ? 500 : 400)
    this.members = members
  }
}

// Codes answered by the AWS front end ("coral") rather than DynamoDB itself carry its namespace
// (seen in real responses, e.g. {"__type":"com.amazon.coral.service#ExpiredTokenException"}).
const CORAL_SERVICE = new Set([
  'AccessDeniedException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'RequestExpired',
  'SerializationException',
  'UnknownOperationException',
  'UnrecognizedClientException',
])

/** The `__type` DynamoDB sends for an error code. */
export function errorType(code: string): string {
  if (code === 'ValidationException') return 'com.amazon.coral.validate#ValidationException'
  // Rate limiting comes from the availability layer, e.g. dynalite's tests retry on
  // {"__type":"com.amazon.coral.availability#ThrottlingException"} from real DynamoDB.
  if (code === 'ThrottlingException') return 'com.amazon.coral.availability#ThrottlingException'
  if (CORAL_SERVICE.has(code)) return `com.amazon.coral.service#${code}`
  return `com.amazonaws.dynamodb.v20120810#${code}`
}

// A few codes spell the message member with a capital M on the wire (SerializationException,
// TransactionCanceledException); SDKs accept either spelling.
const CAPITAL_MESSAGE = new Set(['SerializationException', 'TransactionCanceledException'])

/** The message member's name for an error code. */
export function messageMember(code: string): 'message' | 'Message' {
  return CAPITAL_MESSAGE.has(code) ? 'Message' : 'message'
}

/** `ValidationException` with the given message. */
export function validation(message: string): DynamoDbFault {
  return new DynamoDbFault('ValidationException', message)
}

/** `SerializationException`: the JSON could not be read into the operation's shape. */
export function serialization(message: string): DynamoDbFault {
  return new DynamoDbFault('SerializationException', message)
}

/** `ResourceNotFoundException` as item operations report an unknown table. */
export function tableNotFound(): DynamoDbFault {
  return new DynamoDbFault('ResourceNotFoundException', 'Requested resource not found')
}

/** `ConditionalCheckFailedException`, optionally with the item (ReturnValuesOnConditionCheckFailure). */
export function conditionFailed(item?: Record<string, unknown>): DynamoDbFault {
  return new DynamoDbFault(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    item ? { Item: item } : {},
  )
}

/** The message AWS gives when a key does not match the table's key schema. */
export const KEY_SCHEMA_MISMATCH = 'The provided key element does not match the schema'
