/**
 * The two parties.
 *
 * @module
 */

/** Party index: 0 (party A, the listener in the CLI) or 1 (party B). */
export type Role = 0 | 1;
