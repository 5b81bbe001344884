/**
 * The embedded PostgreSQL could not be set up, started or stopped. The message names the cause
 * and what to do about it; `cause` keeps the underlying error when there is one.
 */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
