/**
 * Longest buyer id (a token's `sub`) the pipeline accepts. Ids travel in every event of an
 * order and are stored in indexed columns; one of 8,000 characters exceeded PostgreSQL's
 * index row size and lost a receipted order. Ours are short (`u-alice`, `b-17`); 128 leaves
 * room for UUIDs and e-mail-like ids.
 */
export const MAX_BUYER_ID_LENGTH = 128;

/** C0 control characters and DEL: PostgreSQL rejects NUL in text, and none belongs in an id. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * What is wrong with `id` as a buyer id, or null when it is acceptable: empty, longer than
 * MAX_BUYER_ID_LENGTH characters, or containing a control character. Pure.
 */
export function buyerIdProblem(id: unknown): string | null {
  if (typeof id !== 'string' || id.length === 0) return 'subject (sub) is missing or empty';
  if (id.length > MAX_BUYER_ID_LENGTH) return `subject (sub) is longer than ${MAX_BUYER_ID_LENGTH} characters`;
  if (CONTROL_CHARACTER.test(id)) return 'subject (sub) contains a control character';
  return null;
}
