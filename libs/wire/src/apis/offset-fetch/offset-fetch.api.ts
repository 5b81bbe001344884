import { OffsetFetchRequest, OffsetFetchResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * OffsetFetch Request (Version: 1) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]
 *     name => STRING
 *     partition_indexes => INT32
 * OffsetFetch Request (Version: 2..5) => same as version 1 (topics may be null = all)
 *
 * OffsetFetch Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 * OffsetFetch Response (Version: 2) => [topics] error_code
 *   error_code => INT16
 * OffsetFetch Response (Version: 3) => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32
 * OffsetFetch Response (Version: 4) => same as version 3
 * OffsetFetch Response (Version: 5) => throttle_time_ms [topics] error_code
 *     partitions => partition_index committed_offset committed_leader_epoch metadata error_code
 *       committed_leader_epoch => INT32
 */

const NO_LEADER_EPOCH = -1;

export const offsetFetchApi: ApiDefinition<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 5,

  decodeRequest(reader: ByteReader, version: number): OffsetFetchRequest {
    const groupId = reader.string();
    const readTopic = (t: ByteReader) => ({ topic: t.string(), partitions: t.array((p) => p.int32()) });
    const topics = version >= 2 ? reader.nullableArray(readTopic) : reader.array(readTopic);
    return { groupId, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: OffsetFetchResponse): void {
    if (version >= 3) writer.int32(0);
    writer.array(response.topics, (w, t) => {
      w.string(t.topic).array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset);
        if (version >= 5) pw.int32(NO_LEADER_EPOCH);
        pw.nullableString(p.metadata).int16(p.errorCode);
      });
    });
    if (version >= 2) writer.int16(response.errorCode);
  },

  handle(request, context) {
    return context.broker.offsetFetch(request);
  },
};
