import { ErrorCode, FetchPartitionResponse, FetchRequest, FetchResponse } from '@peak/protocol';
import { LogOfflineError } from '../storage/storage.errors';
import { OffsetOutOfRangeError } from '../storage/storage.interface';
import { Partition } from './partition';
import { TopicRegistry } from './topic-registry';

interface FetchPass {
  response: FetchResponse;
  bytes: number;
  /** Some partition answered with an error: answer at once, do not park. */
  hasError: boolean;
}

/**
 * Fetch as a long poll, like Kafka's DelayedFetch, serving records only up to each log's
 * durable end (the high watermark it reports): answer at once when minBytes are there
 * (or on an error); otherwise park until an append or a completed sync on one of the fetched
 * partitions brings enough durable bytes, maxWaitMs passes, the caller aborts, or the broker
 * closes. A read that finds records past the durable end requests a (group-commit) sync.
 * Parked fetches cost nothing while idle: they wake only on appends and syncs, coalesced
 * to one re-read per tick.
 */
export class FetchHandler {
  private readonly parked = new Set<() => void>();

  constructor(private readonly topics: TopicRegistry) {}

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const first = this.read(request);
    if (first.hasError || first.bytes >= request.minBytes || request.maxWaitMs <= 0 || request.signal?.aborted) {
      return first.response;
    }
    return this.park(request);
  }

  /** Answers every parked fetch now (broker closing). */
  releaseAll(): void {
    for (const release of [...this.parked]) release();
  }

  private park(request: FetchRequest): Promise<FetchResponse> {
    return new Promise<FetchResponse>((resolve) => {
      const unsubscribe: Array<() => void> = [];
      let scheduled = false;
      let done = false;
      const finish = (response?: FetchResponse) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const u of unsubscribe) u();
        this.parked.delete(release);
        request.signal?.removeEventListener('abort', release);
        resolve(response ?? this.read(request).response);
      };
      const release = () => finish();
      const recheck = () => {
        scheduled = false;
        if (done) return;
        const pass = this.read(request);
        if (pass.hasError || pass.bytes >= request.minBytes) finish(pass.response);
      };
      const onChange = () => {
        if (scheduled || done) return;
        scheduled = true;
        setImmediate(recheck);
      };
      for (const t of request.topics) {
        for (const p of t.partitions) {
          const partition = this.topics.partition(t.topic, p.partition);
          if (partition) unsubscribe.push(partition.onChange(onChange));
        }
      }
      const timer = setTimeout(release, request.maxWaitMs);
      this.parked.add(release);
      request.signal?.addEventListener('abort', release, { once: true });
    });
  }

  private read(request: FetchRequest): FetchPass {
    let remaining = request.maxBytes;
    let bytes = 0;
    let hasError = false;
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): FetchPartitionResponse => {
        const partition = this.topics.partition(t.topic, p.partition);
        if (!partition) {
          hasError = true;
          return emptyResponse(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1);
        }
        const log = partition.log;
        // The first partition with data always gets at least one whole batch (KIP-74).
        if (remaining <= 0 && bytes > 0) return this.withoutRecords(partition);
        try {
          // Served only up to the durable end: nothing a crash could take back.
          const durable = log.durableEndOffset();
          const records = log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, Math.max(remaining, 1)), durable);
          const size = records ? records.length : 0;
          bytes += size;
          remaining -= size;
          // Records past the durable end are waiting for a sync: ask for one (group commit); it wakes parked fetches.
          if (durable < log.logEndOffset()) log.flush().catch(() => undefined);
          return { partition: p.partition, errorCode: ErrorCode.NONE, highWatermark: durable, lastStableOffset: durable, logStartOffset: log.logStartOffset(), records };
        } catch (err) {
          hasError = true;
          if (err instanceof LogOfflineError) return emptyResponse(p.partition, ErrorCode.KAFKA_STORAGE_ERROR, -1, -1);
          if (!(err instanceof OffsetOutOfRangeError)) throw err;
          return emptyResponse(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE, log.durableEndOffset(), log.logStartOffset());
        }
      }),
    }));
    return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics }, bytes, hasError };
  }

  private withoutRecords(partition: Partition): FetchPartitionResponse {
    return emptyResponse(partition.id, ErrorCode.NONE, partition.log.durableEndOffset(), partition.log.logStartOffset());
  }
}

function emptyResponse(partition: number, errorCode: number, highWatermark: number, logStartOffset: number): FetchPartitionResponse {
  return { partition, errorCode, highWatermark, lastStableOffset: highWatermark, logStartOffset, records: null };
}
