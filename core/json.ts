/**
 * JSON values as exchanged in the handshake and written as results.
 *
 * @module
 */

/** A JSON value (what `JSON.parse` returns). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };
