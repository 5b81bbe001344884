/** A header value as kafkajs exposes it: repeated keys become arrays. */
export type HeaderValue = Buffer | string | Array<Buffer | string> | undefined;
export interface RecordHeaders {
  [key: string]: HeaderValue;
}

/** One record to put in a batch. Offsets are assigned by the broker. */
export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  timestamp?: number;
}

/** One record read back from a batch. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { [key: string]: Buffer | Buffer[] };
  attributes: number;
}

/** The fixed header of a stored batch, read without touching its records. */
export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch, including baseOffset and batchLength. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export interface DecodedBatch extends BatchHeader {
  records: DecodedRecord[];
  isControlBatch: boolean;
  isTransactional: boolean;
}
