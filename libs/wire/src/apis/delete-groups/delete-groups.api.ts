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
 * DeleteGroups Request/Response (Version: 2) => same as version 1, flexible
 */

export const deleteGroupsApi: ApiDefinition<{ groupIds: string[] }, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: 2,

  decodeRequest(reader: ByteReader) {
    const groupIds = reader.flexArray((r) => r.flexString());
    reader.flexTags();
    return { groupIds };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: DeleteGroupsResponse): void {
    writer.int32(0).flexArray(response.results, (w, r) => w.flexString(r.groupId).int16(r.errorCode).flexTags());
    writer.flexTags();
  },

  handle(request, context) {
    return context.broker.deleteGroups(request);
  },
};
