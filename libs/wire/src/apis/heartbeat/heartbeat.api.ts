import { HeartbeatRequest, HeartbeatResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * Heartbeat Request (Version: 0) => group_id generation_id member_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 * Heartbeat Request (Version: 1..2) => same as version 0
 * Heartbeat Request (Version: 3) => group_id generation_id member_id group_instance_id
 *   group_instance_id => NULLABLE_STRING
 *
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 * Heartbeat Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 * Heartbeat Response (Version: 2..3) => same as version 1
 * Heartbeat Request/Response (Version: 4) => same as 3, flexible
 */

export const heartbeatApi: ApiDefinition<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): HeartbeatRequest {
    const groupId = reader.flexString();
    const generationId = reader.int32();
    const memberId = reader.flexString();
    const groupInstanceId = version >= 3 ? reader.flexNullableString() : null;
    reader.flexTags();
    return { groupId, generationId, memberId, groupInstanceId };
  },

  encodeResponse(writer: ByteWriter, version: number, response: HeartbeatResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode).flexTags();
  },

  handle(request, context) {
    return context.broker.heartbeat(request);
  },
};
