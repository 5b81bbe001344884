import { CreatePartitionsRequest, CreatePartitionsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * CreatePartitions Request (Version: 0) => [topics] timeout_ms validate_only
 *   topics => name count [assignments]
 *     name => STRING
 *     count => INT32
 *     assignments => [broker_ids]      (nullable array)
 *       broker_ids => INT32
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN
 * CreatePartitions Request (Version: 1) => same as version 0
 *
 * CreatePartitions Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 * CreatePartitions Response (Version: 1) => same as version 0
 * CreatePartitions Request/Response (Version: 2..3) => same as version 1, flexible
 */

export const createPartitionsApi: ApiDefinition<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 2,

  decodeRequest(reader: ByteReader): CreatePartitionsRequest {
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const count = t.int32();
      t.flexNullableArray((a) => {
        a.flexArray((b) => b.int32());
        a.flexTags();
      }); // manual assignments: one broker, ignored
      t.flexTags();
      return { topic, count };
    });
    const timeoutMs = reader.int32();
    const validateOnly = reader.boolean();
    reader.flexTags();
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: CreatePartitionsResponse): void {
    writer.int32(0).flexArray(response.topics, (w, t) => {
      w.flexString(t.topic).int16(t.errorCode).flexNullableString(t.errorMessage).flexTags();
    });
    writer.flexTags();
  },

  handle(request, context) {
    return context.broker.createPartitions(request);
  },
};
