import { DeleteGroupsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * DeleteGroups Request (Version: 0) => [groups_names]
 *   groups_names => STRING
 * DeleteGroups Request (Version: 1) => same as version 0
 *
 * DeleteGroups Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => group_id error_code
 *     group_id => STRING
 *     error_code => INT16
 * DeleteGroups Response (Version: 1) => same as version 0
 */

export const deleteGroupsApi: ApiDefinition<{ groupIds: string[] }, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,

  decodeRequest(reader: ByteReader) {
    return { groupIds: reader.array((r) => r.string()) };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: DeleteGroupsResponse): void {
    writer.int32(0).array(response.results, (w, r) => w.string(r.groupId).int16(r.errorCode));
  },

  handle(request, context) {
    return context.broker.deleteGroups(request);
  },
};
