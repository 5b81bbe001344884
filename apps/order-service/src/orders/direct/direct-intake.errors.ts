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

/** Direct mode was configured in an application that does not host auth, course-validation and payment. */
export class DirectIntakeUnavailableError extends Error {
  constructor(missing: string) {
    super(`ORDER_INTAKE_MODE=direct needs every service in one process (npm start / PlatformModule); missing ${missing}`);
    this.name = this.constructor.name;
  }
}
