import { DescribeGroupsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * DescribeGroups Request (Version: 0) => [groups]
 *   groups => STRING
 * DescribeGroups Request (Version: 1..2) => same as version 0
 * DescribeGroups Request (Version: 3) => [groups] include_authorized_operations
 *   include_authorized_operations => BOOLEAN
 * DescribeGroups Request (Version: 4) => same as version 3
 *
 * DescribeGroups Response (Version: 0) => [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING
 *     protocol_type => STRING
 *     protocol_data => STRING
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 * DescribeGroups Response (Version: 1) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 * DescribeGroups Response (Version: 2) => same as version 1
 * DescribeGroups Response (Version: 3) => throttle_time_ms [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations
 *     authorized_operations => INT32
 * DescribeGroups Response (Version: 4) => same as version 3, members => member_id group_instance_id client_id ...
 *       group_instance_id => NULLABLE_STRING
 * DescribeGroups Request/Response (Version: 5) => same as version 4, flexible
 */

/** INT32_MIN: authorized operations were not requested / not computed. */
const OPERATIONS_UNKNOWN = -2147483648;

export const describeGroupsApi: ApiDefinition<{ groupIds: string[] }, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 5,

  decodeRequest(reader: ByteReader, version: number) {
    const groupIds = reader.flexArray((r) => r.flexString());
    if (version >= 3) reader.boolean(); // include_authorized_operations
    reader.flexTags();
    return { groupIds };
  },

  encodeResponse(writer: ByteWriter, version: number, response: DescribeGroupsResponse): void {
    if (version >= 1) writer.int32(0);
    writer.flexArray(response.groups, (w, g) => {
      w.int16(g.errorCode).flexString(g.groupId).flexString(g.state).flexString(g.protocolType).flexString(g.protocol);
      w.flexArray(g.members, (mw, m) => {
        mw.flexString(m.memberId);
        if (version >= 4) mw.flexNullableString(m.groupInstanceId);
        mw.flexString(m.clientId).flexString(m.clientHost).flexBytes(m.memberMetadata).flexBytes(m.memberAssignment).flexTags();
      });
      if (version >= 3) w.int32(OPERATIONS_UNKNOWN);
      w.flexTags();
    });
    writer.flexTags();
  },

  handle(request, context) {
    return context.broker.describeGroups(request);
  },
};
