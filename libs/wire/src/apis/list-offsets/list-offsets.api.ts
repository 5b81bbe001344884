import { EARLIEST_TIMESTAMP, ErrorCode, LATEST_TIMESTAMP, ListOffsetsRequest, ListOffsetsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { PARTITION_LEADER_EPOCH } from '../../protocol/flexible-constants';
import { ApiDefinition } from '../api-definition.types';

/*
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   topics => name [partitions]
 *     partitions => partition_index timestamp        (timestamp INT64: -1 latest, -2 earliest)
 * ListOffsets Request (Version: 2) => replica_id isolation_level [topics]
 * ListOffsets Request (Version: 4) =>     partitions => partition_index current_leader_epoch timestamp
 * ListOffsets Request (Version: 6) => same as 5, flexible
 * ListOffsets Request (Version: 7) => same (timestamp -3: the record with the largest timestamp)
 * ListOffsets Request (Version: 8) => same (timestamp -4: earliest local offset)
 * ListOffsets Request (Version: 9) => same (timestamp -5: latest tiered offset)
 *
 * ListOffsets Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     partitions => partition_index error_code timestamp offset
 * ListOffsets Response (Version: 2) => throttle_time_ms [topics]
 * ListOffsets Response (Version: 4) =>     partitions => partition_index error_code timestamp offset leader_epoch
 * ListOffsets Response (Version: 6..9) => same as 4, flexible
 */

/** v8+: the earliest offset kept on local storage, which here is all storage. */
const EARLIEST_LOCAL_TIMESTAMP = -4;
/** v9+: the latest offset moved to tiered storage; nothing is ever tiered here. */
const LATEST_TIERED_TIMESTAMP = -5;

export const listOffsetsApi: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 9,
  firstFlexibleVersion: 6,

  decodeRequest(reader: ByteReader, version: number): ListOffsetsRequest {
    reader.int32(); // replica_id
    const isolationLevel = version >= 2 ? reader.int8() : 0;
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const partitions = t.flexArray((p) => {
        const partition = p.int32();
        if (version >= 4) p.int32(); // current_leader_epoch
        const timestamp = p.int64();
        p.flexTags();
        return { partition, timestamp };
      });
      t.flexTags();
      return { topic, partitions };
    });
    reader.flexTags();
    return { isolationLevel, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ListOffsetsResponse): void {
    if (version >= 2) writer.int32(0);
    writer.flexArray(response.topics, (w, t) => {
      w.flexString(t.topic).flexArray(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
        if (version >= 4) pw.int32(p.errorCode === ErrorCode.NONE && p.offset >= 0 ? PARTITION_LEADER_EPOCH : -1);
        pw.flexTags();
      });
      w.flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    const tiered = new Set<string>();
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        if (p.timestamp === LATEST_TIERED_TIMESTAMP) tiered.add(`${t.topic}\u0000${p.partition}`);
        if (p.timestamp === EARLIEST_LOCAL_TIMESTAMP) return { ...p, timestamp: EARLIEST_TIMESTAMP };
        return p.timestamp === LATEST_TIERED_TIMESTAMP ? { ...p, timestamp: LATEST_TIMESTAMP } : p;
      }),
    }));
    const response = await context.broker.listOffsets({ ...request, topics });
    if (tiered.size === 0) return response;
    return {
      topics: response.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) =>
          tiered.has(`${t.topic}\u0000${p.partition}`) && p.errorCode === ErrorCode.NONE ? { ...p, timestamp: -1, offset: -1 } : p,
        ),
      })),
    };
  },
};
