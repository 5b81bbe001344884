import { batchSizeAt, BatchLayout, decodeRecordBatch, readInt64 } from '@peak/protocol';
import type { Batch as BatchShape } from '../types/consumer.types';
import type { IHeaders, KafkaMessage } from '../types/message.types';

/** Per RecordBatch details kafkajs attaches to each message as `batchContext`. */
export interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  timestampType: number;
  magicByte: number;
}

/** A fetched message: kafkajs's RecordBatchEntry plus the extra fields kafkajs sets. */
export interface FetchedMessage {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

/**
 * What one fetch returned for one partition, as kafkajs's Batch: the user messages at or
 * after the fetch offset (records below it, which a fetch may return because it serves
 * whole stored batches, are dropped; control records are hidden), plus the offsets the
 * runner needs to move on. Decodes lazily, on first use, and only the stored batches that
 * reach the fetch offset, so a fetch covering many partitions keeps one partition's
 * messages alive at a time; a truncated last batch is ignored.
 */
export class FetchedBatch implements BatchShape {
  readonly highWatermark: string;
  private decoded: KafkaMessage[] | null = null;
  private records: Buffer | null;
  /** Records (user or control) at or after the fetch offset. */
  private withinCount = 0;
  private firstWithin = -1;
  private lastWithin = -1;
  private rawCount = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly fetchedOffset: number,
    private readonly highWatermarkNumber: number,
    records: Buffer | null,
  ) {
    this.highWatermark = String(highWatermarkNumber);
    this.records = records && records.length > 0 ? records : null;
  }

  get messages(): KafkaMessage[] {
    return this.ensureDecoded();
  }

  /** Decodes on first use; the offset bookkeeping below is filled by the same pass. */
  private ensureDecoded(): KafkaMessage[] {
    if (this.decoded === null) {
      this.decoded = this.records ? this.decode(this.records) : [];
      this.records = null;
    }
    return this.decoded;
  }

  private decode(buf: Buffer): FetchedMessage[] {
    const out: FetchedMessage[] = [];
    const from = this.fetchedOffset;
    let pos = 0;
    for (;;) {
      const size = batchSizeAt(buf, pos);
      if (size < 0) break;
      const baseOffset = readInt64(buf, pos + BatchLayout.BASE_OFFSET);
      const lastOffsetDelta = buf.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA);
      this.rawCount += buf.readInt32BE(pos + BatchLayout.RECORDS_COUNT);
      if (baseOffset + lastOffsetDelta < from) {
        pos += size;
        continue;
      }
      const decoded = decodeRecordBatch(buf, pos);
      pos += size;
      const context: BatchContext = {
        firstOffset: String(decoded.baseOffset),
        firstTimestamp: String(decoded.baseTimestamp),
        partitionLeaderEpoch: decoded.partitionLeaderEpoch,
        inTransaction: decoded.isTransactional,
        isControlBatch: decoded.isControlBatch,
        lastOffsetDelta: decoded.lastOffsetDelta,
        producerId: String(decoded.producerId),
        producerEpoch: decoded.producerEpoch,
        firstSequence: decoded.baseSequence,
        maxTimestamp: String(decoded.maxTimestamp),
        timestampType: (decoded.attributes & 0x08) >> 3,
        magicByte: decoded.magic,
      };
      let lastTs = NaN;
      let lastTsString = '';
      const records = decoded.records;
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        if (r.offset < from) continue;
        if (this.withinCount++ === 0) this.firstWithin = r.offset;
        this.lastWithin = r.offset;
        if (decoded.isControlBatch) continue;
        if (r.timestamp !== lastTs) {
          lastTs = r.timestamp;
          lastTsString = String(lastTs);
        }
        out.push({
          magicByte: 2,
          attributes: r.attributes,
          timestamp: lastTsString,
          offset: String(r.offset),
          key: r.key,
          value: r.value,
          headers: r.headers,
          isControlRecord: false,
          batchContext: context,
        });
      }
    }
    return out;
  }

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  isEmptyIncludingFiltered(): boolean {
    this.ensureDecoded();
    return this.withinCount === 0;
  }

  /** Records came back but none is for the user (all control records). */
  isEmptyDueToFiltering(): boolean {
    return this.messages.length === 0 && this.withinCount > 0;
  }

  firstOffset(): string | null {
    this.ensureDecoded();
    return this.withinCount === 0 ? null : String(this.firstWithin);
  }

  /** The last offset this batch covers (including hidden control records). */
  lastOffset(): string {
    return String(this.lastOffsetNumber());
  }

  lastOffsetNumber(): number {
    this.ensureDecoded();
    return this.withinCount === 0 ? this.highWatermarkNumber - 1 : this.lastWithin;
  }

  offsetLag(): string {
    return String(this.highWatermarkNumber - 1 - this.lastOffsetNumber());
  }

  offsetLagLow(): string {
    this.ensureDecoded();
    return this.withinCount === 0 ? '0' : String(this.highWatermarkNumber - 1 - this.firstWithin);
  }
}
