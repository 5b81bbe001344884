import { ErrorCode, FetchPartitionResponse, FetchRequest, FetchResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ZERO_UUID } from '../../protocol/flexible-constants';
import { ApiDefinition, RequestContext } from '../api-definition.types';

/*
 * Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   topics => topic [partitions]
 *     partitions => partition fetch_offset partition_max_bytes
 * Fetch Request (Version: 5) =>     partitions => partition fetch_offset log_start_offset partition_max_bytes
 * Fetch Request (Version: 7) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch
 *                               [topics] [forgotten_topics_data]
 *   forgotten_topics_data => topic [partitions]
 * Fetch Request (Version: 9) =>     partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 * Fetch Request (Version: 11) => ... [topics] [forgotten_topics_data] rack_id
 * Fetch Request (Version: 12) => flexible;  partitions => partition current_leader_epoch fetch_offset
 *                               last_fetched_epoch log_start_offset partition_max_bytes
 *   (tagged: cluster_id; tag 0)
 * Fetch Request (Version: 13..14) => topic and forgotten topic => topic_id UUID instead of the name
 * Fetch Request (Version: 15..17) => replica_id moves into tagged replica_state (tag 1)
 *
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   responses => topic [partitions]
 *     partitions => partition_index error_code high_watermark last_stable_offset [aborted_transactions] records
 * Fetch Response (Version: 5) =>     partitions => ... last_stable_offset log_start_offset [aborted_transactions] records
 * Fetch Response (Version: 7) => throttle_time_ms error_code session_id [responses]
 * Fetch Response (Version: 11) =>     partitions => ... [aborted_transactions] preferred_read_replica records
 * Fetch Response (Version: 12) => flexible (tagged per partition: diverging_epoch, current_leader, snapshot_id: not sent)
 * Fetch Response (Version: 13..17) => responses => topic_id [partitions]   (v16+: tagged node_endpoints, not sent)
 *
 * Fetch sessions are not kept: every answer is a full response with session_id 0, which
 * tells the client that the broker runs sessionless. Stored batches are written as they
 * are stored (RecordBatch v2), never decoded.
 */

/** session_id 0: this broker holds no incremental fetch sessions. */
const SESSIONLESS = 0;
const NO_PREFERRED_REPLICA = -1;
const EMPTY_RECORDS = Buffer.alloc(0);
const FIRST_FLEXIBLE = 12;
const FIRST_TOPIC_ID = 13;
const LAST_REPLICA_ID_FIELD = 14;

/** A fetch as read off the wire: topics carry their ID when the version addresses them so. */
export interface FetchWireRequest extends Omit<FetchRequest, 'topics'> {
  topics: Array<FetchRequest['topics'][number] & { topicId: string }>;
}

export interface FetchWireResponse extends Omit<FetchResponse, 'topics'> {
  /** `topicId` is set when the request addressed topics by ID (v13+). */
  topics: Array<FetchResponse['topics'][number] & { topicId?: string }>;
}

function unknownTopicId(partitions: FetchWireRequest['topics'][number]['partitions']): FetchPartitionResponse[] {
  return partitions.map(({ partition }) => ({
    partition,
    errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    records: null,
  }));
}

/** Resolves topic IDs to names (v13+) and IDs for names (to answer in kind). */
async function fetchByIdOrName(request: FetchWireRequest, context: RequestContext): Promise<FetchWireResponse> {
  // Every topic named (v4..12): nothing to resolve and no ID to answer with, so no copies.
  if (request.topics.every((t) => t.topic !== '')) return context.broker.fetch({ ...request, signal: context.signal });
  const known: FetchRequest['topics'] = [];
  const unknown: FetchWireResponse['topics'] = [];
  for (const t of request.topics) {
    if (t.topic !== '') {
      known.push({ topic: t.topic, partitions: t.partitions });
      continue;
    }
    const name = context.topicIds.nameOf(t.topicId);
    if (name === undefined) unknown.push({ topic: '', topicId: t.topicId, partitions: unknownTopicId(t.partitions) });
    else known.push({ topic: name, partitions: t.partitions });
  }
  const answered = await context.broker.fetch({ ...request, topics: known, signal: context.signal });
  const topics = answered.topics.map((t) => ({ ...t, topicId: context.topicIds.idOf(t.topic) ?? ZERO_UUID }));
  return { ...answered, topics: [...topics, ...unknown] };
}

export const fetchApi: ApiDefinition<FetchWireRequest, FetchWireResponse> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  firstFlexibleVersion: FIRST_FLEXIBLE,

  decodeRequest(reader: ByteReader, version: number): FetchWireRequest {
    if (version <= LAST_REPLICA_ID_FIELD) reader.int32(); // replica_id: consumers send -1
    const maxWaitMs = reader.int32();
    const minBytes = reader.int32();
    const maxBytes = reader.int32();
    const isolationLevel = reader.int8();
    if (version >= 7) {
      reader.int32(); // session_id
      reader.int32(); // session_epoch
    }
    const byId = version >= FIRST_TOPIC_ID;
    const topics = reader.flexArray((t) => {
      const topicId = byId ? t.uuid() : ZERO_UUID;
      const topic = byId ? '' : t.flexString();
      const partitions = t.flexArray((p) => {
        const partition = p.int32();
        if (version >= 9) p.int32(); // current_leader_epoch
        const fetchOffset = p.int64();
        if (version >= 12) p.int32(); // last_fetched_epoch
        if (version >= 5) p.int64(); // log_start_offset (followers only)
        const partitionMaxBytes = p.int32();
        p.flexTags();
        return { partition, fetchOffset, partitionMaxBytes };
      });
      t.flexTags();
      return { topic, topicId, partitions };
    });
    if (version >= 7) {
      reader.flexArray((t) => {
        if (byId) t.uuid();
        else t.flexString();
        t.flexArray((p) => p.int32());
        t.flexTags();
      });
    }
    if (version >= 11) reader.flexString(); // rack_id
    reader.flexTags();
    return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: FetchWireResponse): void {
    writer.int32(response.throttleTimeMs);
    if (version >= 7) writer.int16(response.errorCode).int32(SESSIONLESS);
    writer.flexArray(response.topics, (w, t) => {
      if (version >= FIRST_TOPIC_ID) w.uuid(t.topicId ?? ZERO_UUID);
      else w.flexString(t.topic);
      w.flexArray(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
        if (version >= 5) pw.int64(p.logStartOffset);
        pw.flexEmptyArray(); // aborted_transactions: none, no transactions are ever open
        if (version >= 11) pw.int32(NO_PREFERRED_REPLICA);
        pw.flexBytes(p.records ?? EMPTY_RECORDS); // Kafka writes an empty set, never null
        pw.flexTags();
      });
      w.flexTags();
    });
    writer.flexTags();
  },

  handle(request, context) {
    return fetchByIdOrName(request, context);
  },
};
