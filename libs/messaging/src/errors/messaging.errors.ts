/**
 * A handler error that retrying cannot fix (bad input, broken invariant): the message goes
 * straight to `<topic>.DLQ` without further attempts.
 */
export class NonRetriableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** The publisher was closed while messages were still queued or being sent. */
export class PublisherClosedError extends Error {
  constructor() {
    super('event publisher is closed');
    this.name = this.constructor.name;
  }
}
