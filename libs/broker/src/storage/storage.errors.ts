/** An append buffer that is not a whole number of well-framed batches. */
export class InvalidAppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** A batch larger than the log's max.message.bytes. */
export class RecordBatchTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly maxMessageBytes: number,
  ) {
    super(`Batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
    this.name = this.constructor.name;
  }
}

/** A log used after close() or delete(). */
export class LogClosedError extends Error {
  constructor(topic: string, partition: number) {
    super(`Log ${topic}-${partition} is closed`);
    this.name = this.constructor.name;
  }
}

/**
 * A log taken offline after a failed write or fdatasync (Kafka's KafkaStorageException): the
 * pages that failed may be gone while a later sync succeeds, so nothing more is appended,
 * acknowledged or served from it until the broker restarts and recovers it.
 */
export class LogOfflineError extends Error {
  constructor(
    topic: string,
    partition: number,
    readonly failure: Error,
  ) {
    super(`Log ${topic}-${partition} is offline after a storage failure (${failure.message}); restart the broker to recover it`);
    this.name = this.constructor.name;
  }
}
