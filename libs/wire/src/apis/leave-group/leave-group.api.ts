import { ErrorCode, LeaveGroupRequest, LeaveGroupResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * LeaveGroup Request (Version: 0) => group_id member_id
 *   group_id => STRING
 *   member_id => STRING
 * LeaveGroup Request (Version: 1..2) => same as version 0
 * LeaveGroup Request (Version: 3) => group_id [members]
 *   members => member_id group_instance_id
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *
 * LeaveGroup Response (Version: 0) => error_code
 *   error_code => INT16
 * LeaveGroup Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 * LeaveGroup Response (Version: 2) => same as version 1
 * LeaveGroup Response (Version: 3) => throttle_time_ms error_code [members]
 *   members => member_id group_instance_id error_code
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     error_code => INT16
 * LeaveGroup Request/Response (Version: 4) => same as 3, flexible
 * LeaveGroup Request (Version: 5) =>   members => member_id group_instance_id reason   (reason: COMPACT_NULLABLE_STRING)
 */

/** The request plus what the response must echo back (members' instance ids). */
export interface LeaveGroupWireResponse extends LeaveGroupResponse {
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export const leaveGroupApi: ApiDefinition<LeaveGroupRequest, LeaveGroupWireResponse> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): LeaveGroupRequest {
    const groupId = reader.flexString();
    if (version < 3) return { groupId, members: [{ memberId: reader.string(), groupInstanceId: null }] };
    const members = reader.flexArray((m) => {
      const member = { memberId: m.flexString(), groupInstanceId: m.flexNullableString() };
      if (version >= 5) m.flexNullableString(); // reason
      m.flexTags();
      return member;
    });
    reader.flexTags();
    return { groupId, members };
  },

  encodeResponse(writer: ByteWriter, version: number, response: LeaveGroupWireResponse): void {
    if (version >= 1) writer.int32(0);
    // Before v3 one member leaves, so its own error is the request's error.
    const single = response.members.length === 1 ? response.members[0].errorCode : ErrorCode.NONE;
    writer.int16(version < 3 && response.errorCode === ErrorCode.NONE ? single : response.errorCode);
    if (version >= 3) {
      writer.flexArray(response.members, (w, m) => {
        w.flexString(m.memberId).flexNullableString(m.groupInstanceId).int16(m.errorCode).flexTags();
      });
    }
    writer.flexTags();
  },

  async handle(request, context) {
    const response = await context.broker.leaveGroup(request);
    const instanceIds = new Map(request.members.map((m) => [m.memberId, m.groupInstanceId]));
    const members = response.members.map((m) => ({ ...m, groupInstanceId: instanceIds.get(m.memberId) ?? null }));
    return { errorCode: response.errorCode, members };
  },
};
