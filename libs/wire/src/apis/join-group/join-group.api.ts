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
 */

/** The version from which a first join must be repeated with the assigned member id. */
const FIRST_MEMBER_ID_REQUIRED_VERSION = 4;

export type JoinGroupWireRequest = Omit<JoinGroupRequest, 'clientId' | 'clientHost'>;

export const joinGroupApi: ApiDefinition<JoinGroupWireRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,

  decodeRequest(reader: ByteReader, version: number): JoinGroupWireRequest {
    const groupId = reader.string();
    const sessionTimeoutMs = reader.int32();
    const rebalanceTimeoutMs = version >= 1 ? reader.int32() : sessionTimeoutMs;
    const memberId = reader.string();
    const groupInstanceId = version >= 5 ? reader.nullableString() : null;
    const protocolType = reader.string();
    const protocols = reader.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytes()) }));
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

  encodeResponse(writer: ByteWriter, version: number, response: JoinGroupResponse): void {
    if (version >= 2) writer.int32(0);
    writer.int16(response.errorCode).int32(response.generationId).string(response.protocolName);
    writer.string(response.leader).string(response.memberId);
    writer.array(response.members, (w, m) => {
      w.string(m.memberId);
      if (version >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
  },

  handle(request, context) {
    return context.broker.joinGroup({ ...request, clientId: context.clientId, clientHost: context.clientHost });
  },
};
