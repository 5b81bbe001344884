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
