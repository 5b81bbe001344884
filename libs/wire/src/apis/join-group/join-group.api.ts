import { JoinGroupRequest, JoinGroupResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * JoinGroup Request (Version: 0) => group_id session_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 * JoinGroup Request (Version: 1) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 *   rebalance_timeout_ms => INT32
 * JoinGroup Request (Version: 2..4) => same as version 1
 * JoinGroup Request (Version: 5) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols]
 *   group_instance_id => NULLABLE_STRING
 *
 * JoinGroup Response (Version: 0) => error_code generation_id protocol_name leader member_id [members]
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id metadata
 *     member_id => STRING
 *     metadata => BYTES
 * JoinGroup Response (Version: 1) => same as version 0
 * JoinGroup Response (Version: 2) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32
 * JoinGroup Response (Version: 3..4) => same as version 2
 *   (v4: a new member with an empty member_id gets MEMBER_ID_REQUIRED plus its id, and rejoins)
 * JoinGroup Response (Version: 5) => ... [members]
 *   members => member_id group_instance_id metadata
 *     group_instance_id => NULLABLE_STRING
 * JoinGroup Request/Response (Version: 6) => same as 5, flexible
 * JoinGroup Response (Version: 7) => throttle_time_ms error_code generation_id protocol_type protocol_name leader member_id [members]
 *   protocol_type => COMPACT_NULLABLE_STRING, protocol_name => COMPACT_NULLABLE_STRING
 * JoinGroup Request (Version: 8..9) => ... [protocols] reason      reason => COMPACT_NULLABLE_STRING
 * JoinGroup Response (Version: 9) => ... protocol_name leader skip_assignment member_id [members]
 *   skip_assignment => BOOLEAN (always false: the leader assigns)
 */

/** The version from which a first join must be repeated with the assigned member id. */
const FIRST_MEMBER_ID_REQUIRED_VERSION = 4;

export type JoinGroupWireRequest = Omit<JoinGroupRequest, 'clientId' | 'clientHost'>;

/** The answer plus the protocol type v7+ echoes. */
export interface JoinGroupWireResponse extends JoinGroupResponse {
  protocolType: string;
}

export const joinGroupApi: ApiDefinition<JoinGroupWireRequest, JoinGroupWireResponse> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: 6,

  decodeRequest(reader: ByteReader, version: number): JoinGroupWireRequest {
    const groupId = reader.flexString();
    const sessionTimeoutMs = reader.int32();
    const rebalanceTimeoutMs = version >= 1 ? reader.int32() : sessionTimeoutMs;
    const memberId = reader.flexString();
    const groupInstanceId = version >= 5 ? reader.flexNullableString() : null;
    const protocolType = reader.flexString();
    const protocols = reader.flexArray((p) => {
      const protocol = { name: p.flexString(), metadata: Buffer.from(p.flexBytes()) };
      p.flexTags();
      return protocol;
    });
    if (version >= 8) reader.flexNullableString(); // reason
    reader.flexTags();
    return {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
      requireKnownMemberId: version >= FIRST_MEMBER_ID_REQUIRED_VERSION,
    };
  },

  encodeResponse(writer: ByteWriter, version: number, response: JoinGroupWireResponse): void {
    if (version >= 2) writer.int32(0);
    writer.int16(response.errorCode).int32(response.generationId);
    if (version >= 7) writer.flexNullableString(response.protocolName === '' ? null : response.protocolType);
    if (version >= 7) writer.flexNullableString(response.protocolName === '' ? null : response.protocolName);
    else writer.flexString(response.protocolName);
    writer.flexString(response.leader);
    if (version >= 9) writer.boolean(false);
    writer.flexString(response.memberId);
    writer.flexArray(response.members, (w, m) => {
      w.flexString(m.memberId);
      if (version >= 5) w.flexNullableString(m.groupInstanceId);
      w.flexBytes(m.metadata).flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    const response = await context.broker.joinGroup({ ...request, clientId: context.clientId, clientHost: context.clientHost });
    return { ...response, protocolType: request.protocolType };
  },
};
