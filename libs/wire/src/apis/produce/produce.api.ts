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
 * Produce Request (Version: 4..8) => same as version 3
 * Produce Request (Version: 9..11) => same, flexible (compact types, TAG_BUFFER per struct)
 *
 * Produce Response (Version: 3) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     partition_responses => index error_code base_offset log_append_time_ms
 * Produce Response (Version: 5) =>   partition_responses => ... log_append_time_ms log_start_offset
 * Produce Response (Version: 8) =>   partition_responses => ... log_start_offset [record_errors] error_message
 *       record_errors => batch_index batch_index_error_message    (INT32, NULLABLE_STRING)
 *       error_message => NULLABLE_STRING
 * Produce Response (Version: 9) => same as 8, flexible
 * Produce Response (Version: 10..11) => same as 9 (adds optional tagged fields for leader moves: not sent)
 */

const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1]);

function failed(partition: number, errorCode: number): ProducePartitionResponse {
  return { partition, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export const produceApi: ApiDefinition<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 11,
  firstFlexibleVersion: 9,

  decodeRequest(reader: ByteReader): ProduceRequest {
    const transactionalId = reader.flexNullableString();
    const acks = reader.int16() as Acks;
    const timeoutMs = reader.int32();
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const partitions = t.flexArray((p) => {
        const partition = p.int32();
        // A view into the request frame, not a copy. Safe because nothing writes to a frame
        // once FrameParser has cut it: each socket chunk is a fresh buffer (no `onread`
        // buffer is reused), a frame spanning chunks is a fresh Buffer.concat, and the
        // parser only reads them. The broker rewrites each batch's baseOffset in these bytes
        // (its right: the request is its input) and keeps none of them: the disk log writes
        // them to the file before append returns, the memory log keeps its own copy.
        const records = p.flexNullableBytes();
        p.flexTags();
        return { partition, records: records === null ? Buffer.alloc(0) : records };
      });
      t.flexTags();
      return { topic, partitions };
    });
    reader.flexTags();
    return { transactionalId, acks, timeoutMs, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ProduceResponse): void {
    writer.flexArray(response.topics, (w, t) => {
      w.flexString(t.topic).flexArray(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
        if (version >= 5) pw.int64(p.logStartOffset);
        if (version >= 8) pw.flexEmptyArray().flexNullableString(p.errorMessage ?? null);
        pw.flexTags();
      });
      w.flexTags();
    });
    writer.int32(response.throttleTimeMs).flexTags();
  },

  /**
   * Validates every partition's batches (framing, CRC-32C, codec), sends the valid ones on
   * marked `crcVerified` so the broker does not compute the CRC a second time, merges the
   * answers.
   */
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
      if (good.length > 0) accepted.push({ topic: t.topic, partitions: good.map((p) => ({ partition: p.partition, records: p.records, crcVerified: true })) });
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
