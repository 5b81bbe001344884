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
 */

export const createPartitionsApi: ApiDefinition<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,

  decodeRequest(reader: ByteReader): CreatePartitionsRequest {
    const topics = reader.array((t) => {
      const topic = t.string();
      const count = t.int32();
      t.nullableArray((a) => a.array((b) => b.int32())); // manual assignments: one broker, ignored
      return { topic, count };
    });
    return { topics, timeoutMs: reader.int32(), validateOnly: reader.boolean() };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: CreatePartitionsResponse): void {
    writer.int32(0).array(response.topics, (w, t) => w.string(t.topic).int16(t.errorCode).nullableString(t.errorMessage));
  },

  handle(request, context) {
    return context.broker.createPartitions(request);
  },
};
