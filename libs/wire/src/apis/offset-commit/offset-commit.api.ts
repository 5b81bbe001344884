import { OffsetCommitRequest, OffsetCommitResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * OffsetCommit Request (Version: 0) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 * OffsetCommit Request (Version: 1) => group_id generation_id member_id [topics]
 *   generation_id => INT32
 *   member_id => STRING
 *     partitions => partition_index committed_offset commit_timestamp committed_metadata
 *       commit_timestamp => INT64
 * OffsetCommit Request (Version: 2) => group_id generation_id member_id retention_time_ms [topics]
 *   retention_time_ms => INT64
 *     partitions => partition_index committed_offset committed_metadata
 * OffsetCommit Request (Version: 3..4) => same as version 2
 * OffsetCommit Request (Version: 5) => group_id generation_id member_id [topics]
 * OffsetCommit Request (Version: 6) => group_id generation_id member_id [topics]
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *       committed_leader_epoch => INT32
 * OffsetCommit Request (Version: 7) => group_id generation_id member_id group_instance_id [topics]
 *   group_instance_id => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 0) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 * OffsetCommit Response (Version: 1..2) => same as version 0
 * OffsetCommit Response (Version: 3) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 * OffsetCommit Response (Version: 4..7) => same as version 3
 * OffsetCommit Request/Response (Version: 8..9) => same as 7, flexible
 *   (v9: generation_id carries the member epoch of KIP-848 groups; classic groups send the generation)
 */

/** v0 commits outside any generation. */
const NO_GENERATION = -1;

export const offsetCommitApi: ApiDefinition<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: 8,

  decodeRequest(reader: ByteReader, version: number): OffsetCommitRequest {
    const groupId = reader.flexString();
    const generationId = version >= 1 ? reader.int32() : NO_GENERATION;
    const memberId = version >= 1 ? reader.flexString() : '';
    if (version >= 7) reader.flexNullableString(); // group_instance_id
    if (version >= 2 && version <= 4) reader.int64(); // retention_time_ms
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const partitions = t.flexArray((p) => {
        const partition = p.int32();
        const offset = p.int64();
        if (version === 1) p.int64(); // commit_timestamp
        if (version >= 6) p.int32(); // committed_leader_epoch
        const metadata = p.flexNullableString();
        p.flexTags();
        return { partition, offset, metadata };
      });
      t.flexTags();
      return { topic, partitions };
    });
    reader.flexTags();
    return { groupId, generationId, memberId, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: OffsetCommitResponse): void {
    if (version >= 3) writer.int32(0);
    writer.flexArray(response.topics, (w, t) => {
      w.flexString(t.topic).flexArray(t.partitions, (pw, p) => pw.int32(p.partition).int16(p.errorCode).flexTags());
      w.flexTags();
    });
    writer.flexTags();
  },

  handle(request, context) {
    return context.broker.offsetCommit(request);
  },
};
