/** The direct call chain did not finish within DIRECT_TIMEOUT_MS (answered 504). */
export class DirectIntakeTimeoutError extends Error {
  constructor(readonly orderId: string, readonly timeoutMs: number) {
    super(`order ${orderId}: the synchronous call chain did not finish within ${timeoutMs} ms`);
    this.name = this.constructor.name;
  }
}

/** More than DIRECT_MAX_IN_FLIGHT requests in progress (answered 503). */
export class DirectIntakeOverloadedError extends Error {
  constructor(readonly inFlight: number) {
    super(`${inFlight} orders already in progress`);
    this.name = this.constructor.name;
  }
}

/** The services direct mode calls. */
export type DownstreamService = 'auth' | 'course-validation' | 'payment';

/**
 * How an RPC failed: `unreachable` (no connection: nothing was sent), `failed` (an error
 * answer or one that is not the contract), `timed-out` (no answer in time: the work may or
 * may not have been done), `deadline` (the service answered 504: the caller's deadline passed
 * before its turn, nothing was done).
 */
export type DownstreamFailure = 'unreachable' | 'failed' | 'timed-out' | 'deadline';

/** An RPC to a downstream service did not give an answer of its contract. */
export class DownstreamCallError extends Error {
  constructor(
    readonly service: DownstreamService,
    readonly url: string,
    readonly failure: DownstreamFailure,
    detail: string,
  ) {
    super(`${service} (POST ${url}) ${failure}: ${detail}`);
    this.name = this.constructor.name;
  }
}

/**
 * A downstream service could not be used for this order (answered 503 naming it). The order
 * was closed REJECTED TIMEOUT (a held seat released when course-validation could be reached).
 */
export class DirectDownstreamUnavailableError extends Error {
  constructor(
    readonly orderId: string,
    readonly downstream: DownstreamCallError,
  ) {
    super(`order ${orderId} was rejected: ${downstream.message}`);
    this.name = this.constructor.name;
  }
}
