import { CreateTopicsRequest, CreateTopicsResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * CreateTopics Request (Version: 0) => [topics] timeout_ms
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     name => STRING
 *     num_partitions => INT32
 *     replication_factor => INT16
 *     assignments => partition_index [broker_ids]
 *       partition_index => INT32
 *       broker_ids => INT32
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   timeout_ms => INT32
 * CreateTopics Request (Version: 1) => [topics] timeout_ms validate_only
 *   validate_only => BOOLEAN
 * CreateTopics Request (Version: 2..4) => same as version 1
 *
 * CreateTopics Response (Version: 0) => [topics]
 *   topics => name error_code
 *     name => STRING
 *     error_code => INT16
 * CreateTopics Response (Version: 1) => [topics]
 *   topics => name error_code error_message
 *     error_message => NULLABLE_STRING
 * CreateTopics Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 * CreateTopics Response (Version: 3..4) => same as version 2
 *
 * Manual replica assignments are read and ignored: a single broker holds every replica.
 */

export const createTopicsApi: ApiDefinition<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,

  decodeRequest(reader: ByteReader, version: number): CreateTopicsRequest {
    const topics = reader.array((t) => {
      const topic = t.string();
      const numPartitions = t.int32();
      const replicationFactor = t.int16();
      t.array((a) => ({ partition: a.int32(), brokers: a.array((b) => b.int32()) }));
      const configs = t.array((c) => ({ name: c.string(), value: c.nullableString() }));
      return { topic, numPartitions, replicationFactor, configs };
    });
    const timeoutMs = reader.int32();
    const validateOnly = version >= 1 ? reader.boolean() : false;
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(writer: ByteWriter, version: number, response: CreateTopicsResponse): void {
    if (version >= 2) writer.int32(0);
    writer.array(response.topics, (w, t) => {
      w.string(t.topic).int16(t.errorCode);
      if (version >= 1) w.nullableString(t.errorMessage);
    });
  },

  handle(request, context) {
    return context.broker.createTopics(request);
  },
};
