import { ErrorCode, LATEST_TIMESTAMP } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { NO_LEADER_EPOCH, PARTITION_LEADER_EPOCH } from '../../protocol/flexible-constants';
import { ApiDefinition, RequestContext } from '../api-definition.types';

/*
 * OffsetForLeaderEpoch Request (Version: 0..1) => [topics]
 *   topics => topic [partitions]
 *     partitions => partition leader_epoch                  (INT32, INT32)
 * OffsetForLeaderEpoch Request (Version: 2) =>   partitions => partition current_leader_epoch leader_epoch
 * OffsetForLeaderEpoch Request (Version: 3) => replica_id [topics]
 * OffsetForLeaderEpoch Request (Version: 4) => same as 3, flexible
 *
 * OffsetForLeaderEpoch Response (Version: 0) => [topics]
 *   topics => topic [partitions]
 *     partitions => error_code partition end_offset
 * OffsetForLeaderEpoch Response (Version: 1) =>   partitions => error_code partition leader_epoch end_offset
 * OffsetForLeaderEpoch Response (Version: 2..3) => throttle_time_ms [topics]
 * OffsetForLeaderEpoch Response (Version: 4) => same as 3, flexible
 *
 * A single broker leads every partition in one epoch (PARTITION_LEADER_EPOCH) that never
 * ends: asked for that epoch (or an older one) the answer is the log end offset; a newer
 * epoch is unknown. Consumers use it to validate a position after a leader change.
 */

export interface EpochQuery {
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface OffsetForLeaderEpochRequest {
  topics: Array<{ topic: string; partitions: EpochQuery[] }>;
}

export interface EpochEndOffset {
  errorCode: number;
  partition: number;
  leaderEpoch: number;
  endOffset: number;
}

export interface OffsetForLeaderEpochResponse {
  topics: Array<{ topic: string; partitions: EpochEndOffset[] }>;
}

function undefinedEpoch(partition: number, errorCode: number): EpochEndOffset {
  return { errorCode, partition, leaderEpoch: NO_LEADER_EPOCH, endOffset: -1 };
}

/** Kafka's answer for one partition, given its log end offset (or its lookup error). */
export function answerEpochQuery(query: EpochQuery, lookup: { errorCode: number; offset: number }): EpochEndOffset {
  if (lookup.errorCode !== ErrorCode.NONE) return undefinedEpoch(query.partition, lookup.errorCode);
  if (query.currentLeaderEpoch > PARTITION_LEADER_EPOCH) return undefinedEpoch(query.partition, ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (query.currentLeaderEpoch !== NO_LEADER_EPOCH && query.currentLeaderEpoch < PARTITION_LEADER_EPOCH) {
    return undefinedEpoch(query.partition, ErrorCode.FENCED_LEADER_EPOCH);
  }
  if (query.leaderEpoch > PARTITION_LEADER_EPOCH || query.leaderEpoch < 0) return undefinedEpoch(query.partition, ErrorCode.NONE);
  return { errorCode: ErrorCode.NONE, partition: query.partition, leaderEpoch: PARTITION_LEADER_EPOCH, endOffset: lookup.offset };
}

async function answer(request: OffsetForLeaderEpochRequest, context: RequestContext): Promise<OffsetForLeaderEpochResponse> {
  const latest = await context.broker.listOffsets({
    isolationLevel: 0,
    topics: request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, timestamp: LATEST_TIMESTAMP })) })),
  });
  const found = new Map<string, { errorCode: number; offset: number }>();
  for (const t of latest.topics) for (const p of t.partitions) found.set(`${t.topic}\u0000${p.partition}`, p);
  return {
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((q) =>
        answerEpochQuery(q, found.get(`${t.topic}\u0000${q.partition}`) ?? { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1 }),
      ),
    })),
  };
}

export const offsetForLeaderEpochApi: ApiDefinition<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): OffsetForLeaderEpochRequest {
    if (version >= 3) reader.int32(); // replica_id
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const partitions = t.flexArray((p) => {
        const partition = p.int32();
        const currentLeaderEpoch = version >= 2 ? p.int32() : NO_LEADER_EPOCH;
        const leaderEpoch = p.int32();
        p.flexTags();
        return { partition, currentLeaderEpoch, leaderEpoch };
      });
      t.flexTags();
      return { topic, partitions };
    });
    reader.flexTags();
    return { topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: OffsetForLeaderEpochResponse): void {
    if (version >= 2) writer.int32(0);
    writer.flexArray(response.topics, (w, t) => {
      w.flexString(t.topic).flexArray(t.partitions, (pw, p) => {
        pw.int16(p.errorCode).int32(p.partition);
        if (version >= 1) pw.int32(p.leaderEpoch);
        pw.int64(p.endOffset).flexTags();
      });
      w.flexTags();
    });
    writer.flexTags();
  },

  handle(request, context) {
    return answer(request, context);
  },
};
