/**
 * Byte layout of a Kafka RecordBatch (magic 2), the unit the broker stores and serves.
 *
 * RecordBatch =>
 *   baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32,
 *   attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
 *   producerId int64, producerEpoch int16, baseSequence int32, records [Record]
 *
 * `batchLength` counts the bytes after itself, so a batch spans `batchLength + 12` bytes.
 * The CRC-32C covers attributes through the end, so a broker can rewrite baseOffset and
 * partitionLeaderEpoch (as it does when it assigns offsets) without recomputing it.
 */
export const BatchLayout = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  /** Size of the fixed header; records start here. */
  HEADER_SIZE: 61,
  /** Bytes before the part counted by batchLength (baseOffset + batchLength). */
  LOG_OVERHEAD: 12,
} as const;

export const CURRENT_MAGIC = 2;

/** Attribute bits of a RecordBatch. */
export const BatchAttributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
} as const;

export enum CompressionCodec {
  None = 0,
  GZIP = 1,
  Snappy = 2,
  LZ4 = 3,
  ZSTD = 4,
}

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
