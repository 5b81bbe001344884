import { EventDecodeError, UnknownTopicError, UnsupportedSchemaVersionError } from '@peak/contracts';
import { NonRetriableError } from '../errors/messaging.errors';

/**
 * What a consumer does with a failed message:
 * - `transient`: the cause is outside the message (database unavailable, connection lost,
 *   timeout, serialization failure, deadlock, broker unreachable): retry without limit and
 *   never skip the message; the partition waits.
 * - `permanent`: the message itself cannot be handled (decode error, unknown schema version,
 *   NonRetriableError, data the database refuses, an unknown error): dead-letter it after
 *   `RETRY_MAX_ATTEMPTS`, or at once when `immediate`.
 */
export type FailureClass = 'transient' | 'permanent';

export interface FailureVerdict {
  class: FailureClass;
  /** Permanent and no retry can help (decode/schema errors, NonRetriableError): DLQ at once. */
  immediate: boolean;
  /** Short reason for logs and health: `postgres 57P01`, `ECONNREFUSED`, `data 22001`, … */
  reason: string;
}

/**
 * PostgreSQL SQLSTATEs that say nothing about the statement's data: the server is going away or
 * not there yet, the connection broke, a timeout fired, or concurrency made the transaction
 * lose (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown (terminated by administrator, server stopping)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '57P05', // idle_session_timeout
  '57014', // query_canceled (statement_timeout)
  '25P03', // idle_in_transaction_session_timeout
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '40003', // statement_completion_unknown
  '55P03', // lock_not_available (lock_timeout)
  '55006', // object_in_use
  '55000', // object_not_in_prerequisite_state: "database … is not currently accepting connections"
  '3D000', // invalid_catalog_name at connect: the database is not there (being restored, renamed)
  '28000', // invalid_authorization_specification at connect: an operator must fix it, not the message
  '28P01', // invalid_password
  '58000', // system_error (I/O)
  '58030', // io_error
]);
/** SQLSTATE classes that are transient as a whole: connection exceptions, insufficient resources. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53']);
/** Node.js socket / DNS error codes. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CLOSED',
]);
/** Errors without a code that node-postgres, pg-pool and TypeORM raise when the connection is gone. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
  /connection .* is not (yet )?established/i,
];
/** By name: TypeORM's released-runner and not-connected errors, our publisher closing at shutdown, kafkajs's broker-side trouble. */
const TRANSIENT_ERROR_NAMES = new Set([
  'QueryRunnerAlreadyReleasedError',
  'CannotExecuteNotConnectedError',
  'ConnectionIsNotSetError',
  'PublisherClosedError',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSStaleTopicMetadataAssignment',
]);
/** How deep `cause` / `driverError` / AggregateError chains are followed. */
const MAX_CAUSE_DEPTH = 5;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  retriable?: unknown;
  cause?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/**
 * Sorts a handler's failure into transient or permanent (see FailureClass). Pure and cheap;
 * follows `cause`, TypeORM's `driverError` and AggregateError's `errors`, so a wrapped
 * connection error still counts as transient. Safe to call from any context.
 */
export function classifyFailure(err: unknown): FailureVerdict {
  if (isPermanentError(err)) return { class: 'permanent', immediate: true, reason: errorName(err) };
  const transient = transientReason(err, 0);
  if (transient) return { class: 'transient', immediate: false, reason: transient };
  const code = sqlState(err);
  if (code && (code.startsWith('22') || code.startsWith('23'))) return { class: 'permanent', immediate: false, reason: `data ${code}` };
  return { class: 'permanent', immediate: false, reason: code ? `postgres ${code}` : errorName(err) };
}

/** Errors that no retry can fix (decode, schema version, NonRetriableError): they go straight to the DLQ. */
export function isPermanentError(err: unknown): boolean {
  return (
    err instanceof NonRetriableError ||
    err instanceof EventDecodeError ||
    err instanceof UnsupportedSchemaVersionError ||
    err instanceof UnknownTopicError
  );
}

/** True when retrying later can succeed without anything changing in the message. */
export function isTransientError(err: unknown): boolean {
  return classifyFailure(err).class === 'transient';
}

function transientReason(err: unknown, depth: number): string | null {
  if (depth > MAX_CAUSE_DEPTH || err === null || typeof err !== 'object') return null;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : null;
  if (code) {
    if (isSqlState(code) && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)))) return `postgres ${code}`;
    if (TRANSIENT_SYSTEM_CODES.has(code)) return code;
  }
  const name = typeof e.name === 'string' ? e.name : '';
  if (TRANSIENT_ERROR_NAMES.has(name)) return name;
  if (name.startsWith('KafkaJS') && e.retriable === true) return name;
  // A coded database error is judged by its code alone; only uncoded errors by their text.
  if (!(code && isSqlState(code)) && typeof e.message === 'string' && TRANSIENT_MESSAGES.some((re) => re.test(e.message as string))) {
    return e.message.slice(0, 80);
  }
  for (const inner of [e.cause, e.driverError, e.originalError]) {
    const reason = transientReason(inner, depth + 1);
    if (reason) return reason;
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const reason = transientReason(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return null;
}

/** The PostgreSQL SQLSTATE of an error or of its TypeORM driver error. */
function sqlState(err: unknown): string | null {
  if (err === null || typeof err !== 'object') return null;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && isSqlState(e.code)) return e.code;
  const driver = e.driverError as ErrorLike | undefined;
  if (driver && typeof driver.code === 'string' && isSqlState(driver.code)) return driver.code;
  return null;
}

/** Five characters of [0-9A-Z] with a digit (every SQLSTATE has one; Node codes such as EPIPE have none). */
function isSqlState(code: string): boolean {
  return code.length === 5 && /^[0-9A-Z]{5}$/.test(code) && /[0-9]/.test(code);
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
