/**
 * Header carrying the time by which the consumer must have started the work an event asks
 * for, epoch milliseconds as a decimal string (as gRPC propagates deadlines). order-service
 * sets it on PaymentRequested (the order's deadline); payment gives up on a charge it has not
 * started by then. Absent: no deadline.
 */
export const DEADLINE_AT_HEADER = 'deadline-at-ms';

/** The header for a deadline (outbox rows' `headers`). */
export function deadlineHeader(atMs: number): Record<string, string> {
  return { [DEADLINE_AT_HEADER]: String(Math.trunc(atMs)) };
}

/** The deadline a message carries, or null when it carries none (or an unreadable one). */
export function readDeadlineHeader(headers: Record<string, unknown> | undefined): number | null {
  let raw = headers?.[DEADLINE_AT_HEADER];
  if (Array.isArray(raw)) raw = raw[0];
  if (raw === undefined || raw === null) return null;
  const text = Buffer.isBuffer(raw) ? raw.toString() : String(raw);
  if (!/^\d{1,16}$/.test(text)) return null;
  return Number(text);
}
