import { CompressionCodec } from './record-batch.layout';

export class UnsupportedCompressionError extends Error {
  constructor(readonly codec: number) {
    super(`Compression codec ${CompressionCodec[codec] ?? codec} is not supported (only none and gzip)`);
    this.name = this.constructor.name;
  }
}

/** A batch whose bytes do not hold together: bad magic, bad length, bad CRC, bad records. */
export class CorruptRecordBatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}
