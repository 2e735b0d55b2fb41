/**
 * DynamoDB shapes: the AttributeValue union (as in the AWS SDK for JavaScript v3, binary as
 * `Uint8Array`; base64 only on the wire) and the options of marshalling.
 */
import type { NumberValue } from './numbers.ts'

/**
 * One DynamoDB value in its typed wire form: exactly one member is set. See "AttributeValue" in
 * the Amazon DynamoDB API Reference.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: Uint8Array }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly Uint8Array[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly L: readonly AttributeValue[] }
  | { readonly NULL: true }
  | { readonly BOOL: boolean }

/** An item or key in AttributeValue form. */
export type AttributeMap = Record<string, AttributeValue>

/** Binary values `marshall` accepts; they come back as `Uint8Array`. */
export type NativeBinary = Uint8Array | ArrayBuffer | ArrayBufferView

/** The JavaScript values `marshall` accepts and `unmarshall` returns (see marshall.ts). */
export type NativeAttributeValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | NumberValue
  | NativeBinary
  | Set<string>
  | Set<number | bigint | NumberValue>
  | Set<NativeBinary>
  | readonly NativeAttributeValue[]
  | { readonly [key: string]: NativeAttributeValue | undefined }

/**
 * A plain-JavaScript item. Values are `any`, as in the AWS SDK v3 document client, so callers can
 * read items through their own interfaces without casts.
 */
export type NativeItem = Record<string, any>

/** Options of `marshall`; the names and defaults are those of the AWS SDK v3 util-dynamodb. */
export interface MarshallOptions {
  /**
   * Drop `undefined` from objects, arrays and sets instead of failing. Default false: an
   * `undefined` is an error naming the attribute, since it is usually a bug.
   */
  readonly removeUndefinedValues?: boolean
  /** Store empty strings, empty binaries and empty sets as `NULL`. Default false. */
  readonly convertEmptyValues?: boolean
  /**
   * Store instances of classes (other than the supported ones) as maps of their own enumerable
   * properties. Default false: they are an error, since the class would be lost on the way back.
   * Dates are always an error.
   */
  readonly convertClassInstanceToMap?: boolean
}

/** Options of `unmarshall`. */
export interface UnmarshallOptions {
  /**
   * Return every number as a {@link NumberValue} holding the exact decimal string. Default
   * false: numbers become `number`, integers beyond 2^53 become `bigint`, and a decimal that no
   * `number` holds exactly is an error.
   */
  readonly wrapNumbers?: boolean
}
