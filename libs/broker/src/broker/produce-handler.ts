import {
  BatchAttributes,
  BatchLayout,
  CompressionCodec,
  CorruptRecordBatchError,
  ErrorCode,
  ProducePartitionResponse,
  ProduceRequest,
  ProduceResponse,
  batchSizeAt,
  readInt64,
  validateBatch,
  validateBatchFraming,
} from '@peak/protocol';
import { LogOfflineError } from '../storage/storage.errors';
import { Partition } from './partition';
import { Topic } from './topic-registry';

/** A partition's batches after validation, ready to append. */
interface CheckedBatch {
  start: number;
  size: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

class BatchRejected extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Finds (or auto-creates, within the request's budget) a topic, or answers the error code why not. */
export type EnsureTopic = (name: string, budget: AutoCreateBudget) => number | Topic | Promise<number | Topic>;

/** How many more topics one request may still auto-create. */
export interface AutoCreateBudget {
  left: number;
}

/**
 * Produce: validates every batch (magic, length, CRC-32C unless the caller marked the
 * partition's bytes `crcVerified`, codec, size), deduplicates
 * idempotent producers' retries, appends, and for acks=-1 waits for the group-commit fsync.
 * A request to a topic being created waits for it (other requests go on meanwhile).
 */
export class ProduceHandler {
  constructor(
    private readonly ensureTopic: EnsureTopic,
    private readonly maxAutoCreatedTopicsPerRequest: number,
  ) {}

  async produce(request: ProduceRequest): Promise<ProduceResponse> {
    if (request.acks !== 0 && request.acks !== 1 && request.acks !== -1) {
      return this.failAll(request, ErrorCode.INVALID_REQUIRED_ACKS);
    }
    // acks=-1: one flush per partition; a partition whose flush fails is answered KAFKA_STORAGE_ERROR.
    const flushes = new Map<Partition, Promise<boolean>>();
    const awaitingFlush: Array<[ProducePartitionResponse, Partition]> = [];
    const budget: AutoCreateBudget = { left: this.maxAutoCreatedTopicsPerRequest };
    const topics: ProduceResponse['topics'] = [];
    for (const { topic, partitions } of request.topics) {
      const lookup = this.ensureTopic(topic, budget);
      const found = lookup instanceof Promise ? await lookup : lookup;
      topics.push({
        topic,
        partitions: partitions.map((data): ProducePartitionResponse => {
          if (typeof found === 'number') return errorResponse(data.partition, found);
          const partition = found.partitions[data.partition];
          if (!partition) return errorResponse(data.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const response = this.appendTo(partition, data.records, data.crcVerified === true, found.config.maxMessageBytes);
          if (request.acks === -1 && response.errorCode === ErrorCode.NONE) {
            if (!flushes.has(partition)) flushes.set(partition, partition.log.flush().then(() => true, () => false));
            awaitingFlush.push([response, partition]);
          }
          return response;
        }),
      });
    }
    if (flushes.size > 0) {
      const durable = new Map<Partition, boolean>();
      for (const [partition, flushed] of flushes) durable.set(partition, await flushed);
      for (const [response, partition] of awaitingFlush) {
        if (!durable.get(partition)) Object.assign(response, errorResponse(response.partition, ErrorCode.KAFKA_STORAGE_ERROR, 'The log failed to sync and is offline'));
      }
    }
    return { topics, throttleTimeMs: 0 };
  }

  /** Appends one partition's batches; a log that is (or goes) offline answers KAFKA_STORAGE_ERROR. */
  private appendTo(partition: Partition, records: Buffer, crcVerified: boolean, maxMessageBytes: number): ProducePartitionResponse {
    if (partition.log.isOffline()) return errorResponse(partition.id, ErrorCode.KAFKA_STORAGE_ERROR, 'The log is offline after a storage failure');
    try {
      return this.appendChecked(partition, records, crcVerified, maxMessageBytes);
    } catch (err) {
      if (err instanceof LogOfflineError) return errorResponse(partition.id, ErrorCode.KAFKA_STORAGE_ERROR, err.message);
      throw err;
    }
  }

  private appendChecked(partition: Partition, records: Buffer, crcVerified: boolean, maxMessageBytes: number): ProducePartitionResponse {
    let batches: CheckedBatch[];
    try {
      batches = checkBatches(records, crcVerified, maxMessageBytes);
    } catch (err) {
      if (err instanceof BatchRejected) return errorResponse(partition.id, err.errorCode, err.message);
      throw err;
    }
    const log = partition.log;
    // Fast path: no idempotent producer, so one write for the whole request.
    if (batches.every((b) => b.producerId < 0)) {
      const result = log.append(batches.length === 1 && batches[0].size === records.length ? records : records.subarray(0, end(batches)));
      partition.notifyChange();
      return { partition: partition.id, errorCode: ErrorCode.NONE, baseOffset: result.baseOffset, logAppendTimeMs: -1, logStartOffset: result.logStartOffset };
    }
    let baseOffset = -1;
    for (const b of batches) {
      let offset: number;
      if (b.producerId >= 0) {
        const verdict = partition.producers.check(b.producerId, b.producerEpoch, b.baseSequence, b.recordCount);
        if (verdict.kind === 'error') return errorResponse(partition.id, verdict.errorCode);
        if (verdict.kind === 'duplicate') {
          offset = verdict.baseOffset;
        } else {
          offset = log.append(records.subarray(b.start, b.start + b.size)).baseOffset;
          partition.producers.update(b.producerId, b.producerEpoch, b.baseSequence, b.recordCount, offset);
        }
      } else {
        offset = log.append(records.subarray(b.start, b.start + b.size)).baseOffset;
      }
      if (baseOffset < 0) baseOffset = offset;
    }
    partition.notifyChange();
    return { partition: partition.id, errorCode: ErrorCode.NONE, baseOffset, logAppendTimeMs: -1, logStartOffset: log.logStartOffset() };
  }

  private failAll(request: ProduceRequest, errorCode: number): ProduceResponse {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({ topic, partitions }) => ({ topic, partitions: partitions.map((p) => errorResponse(p.partition, errorCode)) })),
    };
  }
}

function end(batches: CheckedBatch[]): number {
  const last = batches[batches.length - 1];
  return last.start + last.size;
}

function errorResponse(partition: number, errorCode: number, errorMessage: string | null = null): ProducePartitionResponse {
  return { partition, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage };
}

/**
 * Splits a produce payload into batches and validates each one (the CRC-32C only when the
 * caller has not checked it already); throws BatchRejected.
 */
function checkBatches(records: Buffer, crcVerified: boolean, maxMessageBytes: number): CheckedBatch[] {
  const batches: CheckedBatch[] = [];
  let pos = 0;
  while (pos < records.length) {
    let size: number;
    try {
      size = batchSizeAt(records, pos);
      if (size < 0) throw new CorruptRecordBatchError('Truncated record batch');
      if (crcVerified) validateBatchFraming(records, pos, size);
      else validateBatch(records, pos, size);
    } catch (err) {
      if (err instanceof CorruptRecordBatchError) throw new BatchRejected(ErrorCode.CORRUPT_MESSAGE, err.message);
      throw err;
    }
    if (size > maxMessageBytes) throw new BatchRejected(ErrorCode.MESSAGE_TOO_LARGE, `Batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
    const attributes = records.readInt16BE(pos + BatchLayout.ATTRIBUTES);
    const codec = attributes & BatchAttributes.COMPRESSION_MASK;
    if (codec !== CompressionCodec.None && codec !== CompressionCodec.GZIP) {
      throw new BatchRejected(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Compression codec ${CompressionCodec[codec] ?? codec} is not supported (none and gzip are)`);
    }
    if (attributes & (BatchAttributes.TRANSACTIONAL | BatchAttributes.CONTROL)) {
      throw new BatchRejected(ErrorCode.INVALID_RECORD, 'Transactional and control batches are not supported');
    }
    batches.push({
      start: pos,
      size,
      producerId: readInt64(records, pos + BatchLayout.PRODUCER_ID),
      producerEpoch: records.readInt16BE(pos + BatchLayout.PRODUCER_EPOCH),
      baseSequence: records.readInt32BE(pos + BatchLayout.BASE_SEQUENCE),
      recordCount: records.readInt32BE(pos + BatchLayout.RECORDS_COUNT),
    });
    pos += size;
  }
  if (batches.length === 0) throw new BatchRejected(ErrorCode.CORRUPT_MESSAGE, 'Produce request carries no record batch');
  return batches;
}
