import {
  BatchAttributes,
  BatchLayout,
  CompressionCodec,
  CorruptRecordBatchError,
  ErrorCode,
  validateBatch,
} from '@peak/protocol';

/** Compression codecs the broker can store and later serve to any client. */
const ACCEPTED_CODECS: ReadonlySet<number> = new Set([CompressionCodec.None, CompressionCodec.GZIP]);

/**
 * Checks a produced record set before it reaches the broker: one or more complete
 * RecordBatch v2 with good CRC-32C, compressed with none or gzip.
 * Returns ErrorCode.NONE, CORRUPT_MESSAGE or UNSUPPORTED_COMPRESSION_TYPE.
 */
export function validateRecordSet(records: Buffer | null): number {
  if (records === null || records.length === 0) return ErrorCode.CORRUPT_MESSAGE;
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BatchLayout.HEADER_SIZE) return ErrorCode.CORRUPT_MESSAGE;
    const size = records.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    if (size < BatchLayout.HEADER_SIZE || pos + size > records.length) return ErrorCode.CORRUPT_MESSAGE;
    try {
      validateBatch(records, pos, size);
    } catch (error) {
      if (error instanceof CorruptRecordBatchError) return ErrorCode.CORRUPT_MESSAGE;
      throw error;
    }
    const codec = records.readInt16BE(pos + BatchLayout.ATTRIBUTES) & BatchAttributes.COMPRESSION_MASK;
    if (!ACCEPTED_CODECS.has(codec)) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
    pos += size;
  }
  return ErrorCode.NONE;
}
