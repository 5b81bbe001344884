import { BatchLayout, readInt64 } from '@peak/protocol';
import { PartitionLog, AppendResult, OffsetOutOfRangeError, ProducerSnapshot, StoredBatchInfo } from '../storage.interface';
import { LogConfig } from '../log-config';
import { assignOffsets, checkAppend } from '../append-batches';
import { firstOffsetAtOrAfter } from '../batch-timestamp';
import { LogClosedError } from '../storage.errors';
import { trimToOffset } from '../trim-batches';

/** One stored batch: a slice of the copy taken at append. */
interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The append copy the batch lives in; contiguous batches of one append share it. */
  chunk: Buffer;
  position: number;
  size: number;
}

/** Compact the batch array once this many dropped entries sit in front of it. */
const COMPACT_AFTER_DROPPED = 1024;

/**
 * A partition log held in memory, for tests and for brokers that need no durability.
 * Same contract as the disk log; the unit retention deletes is one batch (the newest batch
 * plays the part of the active segment and is never deleted). Reads return slices of the
 * stored bytes without copying when the batches came from one append: callers must not
 * modify what read() returns. Not thread-safe: one event loop owns it.
 */
export class MemoryLog implements PartitionLog {
  private readonly batches: StoredBatch[] = [];
  /** Index of the oldest live batch in `batches` (dropped ones are compacted away lazily). */
  private head = 0;
  private startOffset = 0;
  private endOffset = 0;
  private bytes = 0;
  private closed = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private config: LogConfig,
    private readonly onClose: (log: MemoryLog) => void = () => undefined,
  ) {}

  logStartOffset(): number {
    return this.startOffset;
  }

  logEndOffset(): number {
    return this.endOffset;
  }

  /** Everything: memory has no stable storage to wait for. */
  durableEndOffset(): number {
    return this.endOffset;
  }

  /** Never called: the durable end moves only with appends. */
  watchDurable(_listener: () => void): void {
    return;
  }

  isOffline(): boolean {
    return false;
  }

  sizeInBytes(): number {
    return this.bytes;
  }

  segmentCount(): number {
    return 1;
  }

  /** Copies the batches (after rewriting their offsets in the caller's buffer) and keeps them. */
  append(batches: Buffer): AppendResult {
    this.ensureOpen();
    const baseOffset = this.endOffset;
    checkAppend(batches, this.config.maxMessageBytes);
    const added: StoredBatch[] = [];
    const next = assignOffsets(batches, baseOffset, (b) => {
      added.push({
        baseOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        maxTimestamp: b.maxTimestamp,
        chunk: batches,
        position: b.position,
        size: b.size,
      });
    });
    // One copy per append, after the offsets are in place, so the caller may reuse its buffer.
    const chunk = Buffer.allocUnsafeSlow(batches.length);
    batches.copy(chunk);
    for (const b of added) {
      b.chunk = chunk;
      this.batches.push(b);
    }
    this.bytes += batches.length;
    this.endOffset = next;
    return { baseOffset, lastOffset: next - 1, logStartOffset: this.startOffset };
  }

  /** Resolves at once: memory has no stable storage to reach. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  read(offset: number, maxBytes: number, upTo = this.endOffset): Buffer | null {
    const found = this.readAll(offset, maxBytes, upTo);
    return found && upTo < this.endOffset ? trimToOffset(found, upTo) : found;
  }

  private readAll(offset: number, maxBytes: number, upTo: number): Buffer | null {
    this.ensureOpen();
    if (offset < this.startOffset || offset > this.endOffset) {
      throw new OffsetOutOfRangeError(offset, this.startOffset, this.endOffset);
    }
    if (offset >= Math.min(upTo, this.endOffset)) return null;
    let i = this.indexOfBatchHolding(offset);
    const first = this.batches[i];
    const parts: Buffer[] = [];
    let runChunk = first.chunk;
    let runStart = first.position;
    let runEnd = first.position + first.size;
    let total = first.size;
    for (i++; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (total + b.size > maxBytes) break;
      total += b.size;
      if (b.chunk === runChunk && b.position === runEnd) {
        runEnd += b.size;
      } else {
        parts.push(runChunk.subarray(runStart, runEnd));
        runChunk = b.chunk;
        runStart = b.position;
        runEnd = b.position + b.size;
      }
    }
    const last = runChunk.subarray(runStart, runEnd);
    if (parts.length === 0) return last;
    parts.push(last);
    return Buffer.concat(parts, total);
  }

  offsetForTimestamp(timestamp: number): number | null {
    this.ensureOpen();
    for (let i = this.head; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (b.maxTimestamp < timestamp) continue;
      const found = firstOffsetAtOrAfter(b.chunk.subarray(b.position, b.position + b.size), 0, timestamp);
      if (found !== null) return Math.max(found, this.startOffset);
    }
    return null;
  }

  applyRetention(nowMs: number): number {
    this.ensureOpen();
    const { retentionMs, retentionBytes } = this.config;
    let deleted = 0;
    // The newest batch stands in for the active segment: never deleted.
    while (this.batches.length - this.head > 1) {
      const oldest = this.batches[this.head];
      const expired = retentionMs >= 0 && oldest.maxTimestamp < nowMs - retentionMs;
      const oversize = retentionBytes >= 0 && this.bytes > retentionBytes;
      if (!expired && !oversize) break;
      this.bytes -= oldest.size;
      this.head++;
      this.startOffset = this.batches[this.head].baseOffset;
      deleted++;
    }
    if (this.head >= COMPACT_AFTER_DROPPED) {
      this.batches.splice(0, this.head);
      this.head = 0;
    }
    return deleted;
  }

  scanBatches(fromOffset: number, visit: (batch: StoredBatchInfo) => void): void {
    this.ensureOpen();
    for (let i = this.head; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (b.lastOffset < fromOffset) continue;
      const at = b.position;
      visit({
        baseOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        producerId: readInt64(b.chunk, at + BatchLayout.PRODUCER_ID),
        producerEpoch: b.chunk.readInt16BE(at + BatchLayout.PRODUCER_EPOCH),
        baseSequence: b.chunk.readInt32BE(at + BatchLayout.BASE_SEQUENCE),
      });
    }
  }

  /** Memory keeps nothing across restarts, so there is never a snapshot. */
  loadSnapshot(): ProducerSnapshot | null {
    return null;
  }

  saveSnapshot(_snapshot: ProducerSnapshot): void {
    return;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  async delete(): Promise<void> {
    await this.close();
    this.batches.length = 0;
    this.head = 0;
    this.bytes = 0;
  }

  /** Binary search: the last live batch whose baseOffset <= offset (offset is in range). */
  private indexOfBatchHolding(offset: number): number {
    let lo = this.head;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.batches[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogClosedError(this.topic, this.partition);
  }
}
