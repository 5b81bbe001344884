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
 * SyncGroup Request/Response (Version: 4) => same as 3, flexible
 * SyncGroup Request (Version: 5) => group_id generation_id member_id group_instance_id protocol_type protocol_name [assignments]
 *   protocol_type, protocol_name => COMPACT_NULLABLE_STRING
 * SyncGroup Response (Version: 5) => throttle_time_ms error_code protocol_type protocol_name assignment
 */

/** The request plus the protocol the v5+ answer echoes. */
export interface SyncGroupWireRequest extends SyncGroupRequest {
  protocolType: string | null;
  protocolName: string | null;
}

export interface SyncGroupWireResponse extends SyncGroupResponse {
  protocolType: string | null;
  protocolName: string | null;
}

export const syncGroupApi: ApiDefinition<SyncGroupWireRequest, SyncGroupWireResponse> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): SyncGroupWireRequest {
    const groupId = reader.flexString();
    const generationId = reader.int32();
    const memberId = reader.flexString();
    const groupInstanceId = version >= 3 ? reader.flexNullableString() : null;
    const protocolType = version >= 5 ? reader.flexNullableString() : null;
    const protocolName = version >= 5 ? reader.flexNullableString() : null;
    const assignments = reader.flexArray((a) => {
      const entry = { memberId: a.flexString(), assignment: Buffer.from(a.flexBytes()) };
      a.flexTags();
      return entry;
    });
    reader.flexTags();
    return { groupId, generationId, memberId, groupInstanceId, protocolType, protocolName, assignments };
  },

  encodeResponse(writer: ByteWriter, version: number, response: SyncGroupWireResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode);
    if (version >= 5) writer.flexNullableString(response.protocolType).flexNullableString(response.protocolName);
    writer.flexBytes(response.assignment).flexTags();
  },

  async handle(request, context) {
    const { protocolType, protocolName, ...rest } = request;
    const response = await context.broker.syncGroup(rest);
    return { ...response, protocolType, protocolName };
  },
};
