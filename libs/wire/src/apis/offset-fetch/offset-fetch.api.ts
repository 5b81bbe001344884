import { ErrorCode, OffsetFetchRequest, OffsetFetchResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { NO_LEADER_EPOCH } from '../../protocol/flexible-constants';
import { ApiDefinition } from '../api-definition.types';

/*
 * OffsetFetch Request (Version: 1) => group_id [topics]
 *   topics => name [partition_indexes]
 * OffsetFetch Request (Version: 2..5) => same as version 1 (topics may be null = all)
 * OffsetFetch Request (Version: 6) => same, flexible
 * OffsetFetch Request (Version: 7) => group_id [topics] require_stable      require_stable => BOOLEAN
 * OffsetFetch Request (Version: 8) => [groups] require_stable
 *   groups => group_id [topics]                     (topics nullable: all)
 * OffsetFetch Request (Version: 9) =>   groups => group_id member_id member_epoch [topics]
 *
 * OffsetFetch Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset metadata error_code
 * OffsetFetch Response (Version: 2) => [topics] error_code
 * OffsetFetch Response (Version: 3..4) => throttle_time_ms [topics] error_code
 * OffsetFetch Response (Version: 5..7) =>     partitions => partition_index committed_offset committed_leader_epoch metadata error_code
 *   (v6+ flexible)
 * OffsetFetch Response (Version: 8..9) => throttle_time_ms [groups]
 *   groups => group_id [topics] error_code
 *
 * Committed leader epochs are not stored: -1 is answered, which clients treat as unknown.
 */

const FIRST_BATCHED = 8;

export interface OffsetFetchWireRequest {
  groups: OffsetFetchRequest[];
}

export interface OffsetFetchWireResponse {
  groups: Array<OffsetFetchResponse & { groupId: string }>;
}

function writeTopics(writer: ByteWriter, version: number, topics: OffsetFetchResponse['topics']): void {
  writer.flexArray(topics, (w, t) => {
    w.flexString(t.topic).flexArray(t.partitions, (pw, p) => {
      pw.int32(p.partition).int64(p.offset);
      if (version >= 5) pw.int32(NO_LEADER_EPOCH);
      pw.flexNullableString(p.metadata).int16(p.errorCode).flexTags();
    });
    w.flexTags();
  });
}

function readTopics(reader: ByteReader): OffsetFetchRequest['topics'] {
  return reader.flexNullableArray((t) => {
    const topic = t.flexString();
    const partitions = t.flexArray((p) => p.int32());
    t.flexTags();
    return { topic, partitions };
  });
}

export const offsetFetchApi: ApiDefinition<OffsetFetchWireRequest, OffsetFetchWireResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  firstFlexibleVersion: 6,

  decodeRequest(reader: ByteReader, version: number): OffsetFetchWireRequest {
    if (version >= FIRST_BATCHED) {
      const groups = reader.flexArray((g) => {
        const groupId = g.flexString();
        if (version >= 9) {
          g.flexNullableString(); // member_id
          g.int32(); // member_epoch
        }
        const topics = readTopics(g);
        g.flexTags();
        return { groupId, topics };
      });
      reader.boolean(); // require_stable: nothing is ever pending (no transactions)
      reader.flexTags();
      return { groups };
    }
    const groupId = reader.flexString();
    const topics = version >= 2 ? readTopics(reader) : reader.array((t) => ({ topic: t.string(), partitions: t.array((p) => p.int32()) }));
    if (version >= 7) reader.boolean(); // require_stable
    reader.flexTags();
    return { groups: [{ groupId, topics }] };
  },

  encodeResponse(writer: ByteWriter, version: number, response: OffsetFetchWireResponse): void {
    if (version >= 3) writer.int32(0);
    if (version >= FIRST_BATCHED) {
      writer.flexArray(response.groups, (w, g) => {
        w.flexString(g.groupId);
        writeTopics(w, version, g.topics);
        w.int16(g.errorCode).flexTags();
      });
      writer.flexTags();
      return;
    }
    const group = response.groups[0];
    writeTopics(writer, version, group?.topics ?? []);
    if (version >= 2) writer.int16(group?.errorCode ?? ErrorCode.NONE);
    writer.flexTags();
  },

  async handle(request, context) {
    const groups = await Promise.all(
      request.groups.map(async (g) => ({ groupId: g.groupId, ...(await context.broker.offsetFetch(g)) })),
    );
    return { groups };
  },
};
