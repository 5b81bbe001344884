import { DeleteTopicsRequest, DeleteTopicsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * DeleteTopics Request (Version: 0) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 * DeleteTopics Request (Version: 1..3) => same as version 0
 *
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 * DeleteTopics Response (Version: 1) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 * DeleteTopics Response (Version: 2..3) => same as version 1
 */

export const deleteTopicsApi: ApiDefinition<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,

  decodeRequest(reader: ByteReader): DeleteTopicsRequest {
    const topics = reader.array((r) => r.string());
    return { topics, timeoutMs: reader.int32() };
  },

  encodeResponse(writer: ByteWriter, version: number, response: DeleteTopicsResponse): void {
    if (version >= 1) writer.int32(0);
    writer.array(response.topics, (w, t) => w.string(t.topic).int16(t.errorCode));
  },

  handle(request, context) {
    return context.broker.deleteTopics(request);
  },
};
