/** kafkajs's compression types (same numbers as the RecordBatch codec bits). */
export enum CompressionTypes {
  None = 0,
  GZIP = 1,
  Snappy = 2,
  LZ4 = 3,
  ZSTD = 4,
}

/**
 * kafkajs lets users plug codecs in; here only GZIP is built in (Node's zlib) and the
 * others are rejected by the encoder. Kept for source compatibility.
 */
export const CompressionCodecs: Partial<Record<CompressionTypes, () => unknown>> = {};
