import { BatchAttributes, batchSizeAt, BatchLayout, decodeRecordBatch, readInt64 } from '@peak/protocol';
import type { Batch as BatchShape } from '../types/consumer.types';
import type { KafkaMessage } from '../types/message.types';
import { decodeStoredBatch, FetchedMessage } from './record-decoder';

export type { BatchContext, FetchedMessage } from './record-decoder';

/**
 * What one fetch returned for one partition, as kafkajs's Batch: the user messages at or
 * after the fetch offset (records below it, which a fetch may return because it serves
 * whole stored batches, are dropped; control records are hidden), plus the offsets the
 * runner needs to move on.
 *
 * Lazy: construction keeps the bytes; offsets and counts come from the stored batches'
 * headers (records are walked only for a compacted batch, whose offsets have gaps);
 * `messages` decodes everything on first use (eachBatch), while `readStoredBatch` decodes
 * one stored batch at a time into a caller's array (eachMessage), so the messages of a
 * large fetch never all live at once. A truncated last batch is ignored.
 */
export class FetchedBatch implements BatchShape {
  readonly highWatermark: string;
  private decoded: FetchedMessage[] | null = null;
  private records: Buffer | null;
  private scanned = false;
  /** Start of each stored batch that reaches the fetch offset. */
  private positions: number[] = [];
  /** Records (user or control) at or after the fetch offset. */
  private withinCount = 0;
  private userCount = 0;
  private firstWithin = -1;
  private lastWithin = -1;

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
    if (this.decoded === null) {
      this.scan();
      const out: FetchedMessage[] = [];
      for (let i = 0; i < this.positions.length; i++) this.readStoredBatch(i, out);
      this.decoded = out;
      this.records = null;
    }
    return this.decoded;
  }

  /** User messages in this batch, without decoding them. */
  messageCount(): number {
    if (this.decoded !== null) return this.decoded.length;
    this.scan();
    return this.userCount;
  }

  /** How many parts readStoredBatch serves (1 once `messages` was decoded). */
  storedBatchCount(): number {
    if (this.decoded !== null) return 1;
    this.scan();
    return this.positions.length;
  }

  /** Appends the user messages of part `index` to `out` and, when given, their offsets to `offsets`. */
  readStoredBatch(index: number, out: FetchedMessage[], offsets?: number[]): void {
    if (this.decoded !== null) {
      for (const m of this.decoded) {
        out.push(m);
        if (offsets) offsets.push(Number(m.offset));
      }
      return;
    }
    if (this.records) decodeStoredBatch(this.records, this.positions[index], this.fetchedOffset, out, offsets);
  }

  /** Reads the stored batches' headers once: which reach the fetch offset, counts, first and last offsets. */
  private scan(): void {
    if (this.scanned) return;
    this.scanned = true;
    const buf = this.records;
    if (!buf) return;
    const from = this.fetchedOffset;
    for (let pos = 0, size = batchSizeAt(buf, 0); size >= 0; pos += size, size = batchSizeAt(buf, pos)) {
      const base = readInt64(buf, pos + BatchLayout.BASE_OFFSET);
      const lastOffset = base + buf.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA);
      if (lastOffset < from) continue;
      this.positions.push(pos);
      const isControl = (buf.readInt16BE(pos + BatchLayout.ATTRIBUTES) & BatchAttributes.CONTROL) !== 0;
      if (buf.readInt32BE(pos + BatchLayout.RECORDS_COUNT) === lastOffset - base + 1) {
        this.count(Math.max(base, from), lastOffset, lastOffset - Math.max(base, from) + 1, isControl);
      } else {
        this.countGapped(buf, pos, from, isControl);
      }
    }
  }

  private count(first: number, last: number, records: number, isControl: boolean): void {
    if (records <= 0) return;
    if (this.withinCount === 0) this.firstWithin = first;
    this.lastWithin = last;
    this.withinCount += records;
    if (!isControl) this.userCount += records;
  }

  /** A compacted batch (offsets with gaps): its records' offsets must be read. Rare. */
  private countGapped(buf: Buffer, pos: number, from: number, isControl: boolean): void {
    for (const record of decodeRecordBatch(buf, pos).records) {
      if (record.offset >= from) this.count(record.offset, record.offset, 1, isControl);
    }
  }

  isEmpty(): boolean {
    return this.messageCount() === 0;
  }

  isEmptyIncludingFiltered(): boolean {
    this.scan();
    return this.withinCount === 0;
  }

  /** Records came back but none is for the user (all control records). */
  isEmptyDueToFiltering(): boolean {
    this.scan();
    return this.userCount === 0 && this.withinCount > 0;
  }

  firstOffset(): string | null {
    this.scan();
    return this.withinCount === 0 ? null : String(this.firstWithin);
  }

  /** The last offset this batch covers (including hidden control records). */
  lastOffset(): string {
    return String(this.lastOffsetNumber());
  }

  lastOffsetNumber(): number {
    this.scan();
    return this.withinCount === 0 ? this.highWatermarkNumber - 1 : this.lastWithin;
  }

  offsetLag(): string {
    return String(this.highWatermarkNumber - 1 - this.lastOffsetNumber());
  }

  offsetLagLow(): string {
    this.scan();
    return this.withinCount === 0 ? '0' : String(this.highWatermarkNumber - 1 - this.firstWithin);
  }
}
