import { SyncGroupRequest, SyncGroupResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * SyncGroup Request (Version: 0) => group_id generation_id member_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 * SyncGroup Request (Version: 1..2) => same as version 0
 * SyncGroup Request (Version: 3) => group_id generation_id member_id group_instance_id [assignments]
 *   group_instance_id => NULLABLE_STRING
 *
 * SyncGroup Response (Version: 0) => error_code assignment
 *   error_code => INT16
 *   assignment => BYTES
 * SyncGroup Response (Version: 1) => throttle_time_ms error_code assignment
 *   throttle_time_ms => INT32
 * SyncGroup Response (Version: 2..3) => same as version 1
 */

export const syncGroupApi: ApiDefinition<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,

  decodeRequest(reader: ByteReader, version: number): SyncGroupRequest {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    const groupInstanceId = version >= 3 ? reader.nullableString() : null;
    const assignments = reader.array((a) => ({ memberId: a.string(), assignment: Buffer.from(a.bytes()) }));
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },

  encodeResponse(writer: ByteWriter, version: number, response: SyncGroupResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode).bytes(response.assignment);
  },

  handle(request, context) {
    return context.broker.syncGroup(request);
  },
};
