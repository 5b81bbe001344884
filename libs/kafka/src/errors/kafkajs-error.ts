/** Options every KafkaJS error accepts. */
export interface KafkaJSErrorOptions {
  retriable?: boolean;
  cause?: Error;
}

function messageOf(e: Error | string): string {
  return typeof e === 'string' ? e : e.message;
}

/**
 * Root of the client's errors, as in kafkajs: `retriable` (default true) tells the retrier
 * whether trying again can help.
 */
export class KafkaJSError extends Error {
  readonly retriable: boolean;
  readonly helpUrl?: string;
  override readonly cause?: Error;

  constructor(e: Error | string, options: KafkaJSErrorOptions = {}) {
    super(messageOf(e));
    this.name = this.constructor.name;
    this.retriable = options.retriable ?? true;
    this.cause = options.cause;
  }
}

/** An error that retrying cannot fix. */
export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(e: Error | string, options: { cause?: Error } = {}) {
    super(e, { retriable: false, cause: options.cause });
  }
}
