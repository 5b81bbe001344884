import { ListGroupsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
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
 * ListGroups Request/Response (Version: 3) => same as version 2, flexible
 * ListGroups Request (Version: 4) => [states_filter]      states_filter => COMPACT_STRING (empty = all)
 * ListGroups Response (Version: 4) =>   groups => group_id protocol_type group_state
 */

export interface ListGroupsWireRequest {
  statesFilter: string[];
}

export const listGroupsApi: ApiDefinition<ListGroupsWireRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 3,

  decodeRequest(reader: ByteReader, version: number): ListGroupsWireRequest {
    const statesFilter = version >= 4 ? reader.flexArray((r) => r.flexString()) : [];
    reader.flexTags();
    return { statesFilter };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ListGroupsResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode).flexArray(response.groups, (w, g) => {
      w.flexString(g.groupId).flexString(g.protocolType);
      if (version >= 4) w.flexString(g.state);
      w.flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    const response = await context.broker.listGroups();
    if (request.statesFilter.length === 0) return response;
    const wanted = new Set(request.statesFilter.map((s) => s.toLowerCase()));
    return { ...response, groups: response.groups.filter((g) => wanted.has(g.state.toLowerCase())) };
  },
};
