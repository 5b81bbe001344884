import { ListGroupsResponse } from '@peak/protocol';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * ListGroups Request (Version: 0) =>
 * ListGroups Request (Version: 1..2) => same as version 0
 *
 * ListGroups Response (Version: 0) => error_code [groups]
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 * ListGroups Response (Version: 1) => throttle_time_ms error_code [groups]
 *   throttle_time_ms => INT32
 * ListGroups Response (Version: 2) => same as version 1
 */

export const listGroupsApi: ApiDefinition<Record<string, never>, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,

  decodeRequest() {
    return {};
  },

  encodeResponse(writer: ByteWriter, version: number, response: ListGroupsResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode).array(response.groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  },

  handle(_request, context) {
    return context.broker.listGroups();
  },
};
