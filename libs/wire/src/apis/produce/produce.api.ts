import { Acks, ErrorCode, ProducePartitionResponse, ProduceRequest, ProduceResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';
import { validateRecordSet } from './record-set.validator';

/*
 * Produce Request (Version: 3) => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     name => STRING
 *     partition_data => index records
 *       index => INT32
 *       records => RECORDS
 * Produce Request (Version: 4..7) => same as version 3
 *
 * Produce Response (Version: 3) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *   throttle_time_ms => INT32
 * Produce Response (Version: 4) => same as version 3
 * Produce Response (Version: 5) => [responses] throttle_time_ms
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset
 *       log_start_offset => INT64
 * Produce Response (Version: 6..7) => same as version 5
 */

const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1]);

function failed(partition: number, errorCode: number): ProducePartitionResponse {
  return { partition, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export const produceApi: ApiDefinition<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,

  decodeRequest(reader: ByteReader): ProduceRequest {
    const transactionalId = reader.nullableString();
    const acks = reader.int16() as Acks;
    const timeoutMs = reader.int32();
    const topics = reader.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => {
        const partition = p.int32();
        // Copy: the broker may keep these bytes after the frame's buffer is reused.
        const records = p.nullableBytes();
        return { partition, records: records === null ? Buffer.alloc(0) : Buffer.from(records) };
      }),
    }));
    return { transactionalId, acks, timeoutMs, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ProduceResponse): void {
    writer.array(response.topics, (w, t) => {
      w.string(t.topic).array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
        if (version >= 5) pw.int64(p.logStartOffset);
      });
    });
    writer.int32(response.throttleTimeMs);
  },

  /** Validates every partition's batches, sends the valid ones on, merges the answers. */
  async handle(request, context) {
    const noReply = request.acks === 0;
    if (!VALID_ACKS.has(request.acks)) {
      const topics = request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => failed(p.partition, ErrorCode.INVALID_REQUIRED_ACKS)),
      }));
      return { topics, throttleTimeMs: 0 };
    }
    const rejected = new Map<string, number>();
    const accepted: ProduceRequest['topics'] = [];
    for (const t of request.topics) {
      const good = t.partitions.filter((p) => {
        const code = validateRecordSet(p.records);
        if (code !== ErrorCode.NONE) rejected.set(`${t.topic}\u0000${p.partition}`, code);
        return code === ErrorCode.NONE;
      });
      if (good.length > 0) accepted.push({ topic: t.topic, partitions: good });
    }
    const answered = accepted.length > 0 ? await context.broker.produce({ ...request, topics: accepted }) : { topics: [], throttleTimeMs: 0 };
    if (noReply) return null;
    const byKey = new Map<string, ProducePartitionResponse>();
    for (const t of answered.topics) for (const p of t.partitions) byKey.set(`${t.topic}\u0000${p.partition}`, p);
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const key = `${t.topic}\u0000${p.partition}`;
        const code = rejected.get(key);
        if (code !== undefined) return failed(p.partition, code);
        return byKey.get(key) ?? failed(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }),
    }));
    return { topics, throttleTimeMs: answered.throttleTimeMs };
  },
};
