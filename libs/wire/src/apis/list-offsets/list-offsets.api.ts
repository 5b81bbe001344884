import { ListOffsetsRequest, ListOffsetsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64            (-1 latest, -2 earliest)
 * ListOffsets Request (Version: 2) => replica_id isolation_level [topics]
 *   isolation_level => INT8
 * ListOffsets Request (Version: 3) => same as version 2
 * ListOffsets Request (Version: 4) => replica_id isolation_level [topics]
 *     partitions => partition_index current_leader_epoch timestamp
 *       current_leader_epoch => INT32
 * ListOffsets Request (Version: 5) => same as version 4
 *
 * ListOffsets Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code timestamp offset
 *       partition_index => INT32
 *       error_code => INT16
 *       timestamp => INT64
 *       offset => INT64
 * ListOffsets Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 * ListOffsets Response (Version: 3) => same as version 2
 * ListOffsets Response (Version: 4) => throttle_time_ms [topics]
 *     partitions => partition_index error_code timestamp offset leader_epoch
 *       leader_epoch => INT32
 * ListOffsets Response (Version: 5) => same as version 4
 */

const NO_LEADER_EPOCH = -1;

export const listOffsetsApi: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 5,

  decodeRequest(reader: ByteReader, version: number): ListOffsetsRequest {
    reader.int32(); // replica_id
    const isolationLevel = version >= 2 ? reader.int8() : 0;
    const topics = reader.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => {
        const partition = p.int32();
        if (version >= 4) p.int32(); // current_leader_epoch
        return { partition, timestamp: p.int64() };
      }),
    }));
    return { isolationLevel, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ListOffsetsResponse): void {
    if (version >= 2) writer.int32(0);
    writer.array(response.topics, (w, t) => {
      w.string(t.topic).array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
        if (version >= 4) pw.int32(NO_LEADER_EPOCH);
      });
    });
  },

  handle(request, context) {
    return context.broker.listOffsets(request);
  },
};
