import { CreateTopicsRequest, CreateTopicsResponse, ErrorCode } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ZERO_UUID } from '../../protocol/flexible-constants';
import { ApiDefinition } from '../api-definition.types';

/*
 * CreateTopics Request (Version: 0) => [topics] timeout_ms
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     assignments => partition_index [broker_ids]
 *     configs => name value                 (value NULLABLE_STRING)
 * CreateTopics Request (Version: 1..4) => [topics] timeout_ms validate_only
 * CreateTopics Request (Version: 5..7) => same, flexible
 *
 * CreateTopics Response (Version: 0) => [topics]
 *   topics => name error_code
 * CreateTopics Response (Version: 1) =>   topics => name error_code error_message
 * CreateTopics Response (Version: 2..4) => throttle_time_ms [topics]
 * CreateTopics Response (Version: 5..6) => flexible;
 *   topics => name error_code error_message num_partitions replication_factor [configs]
 *     configs => name value read_only config_source is_sensitive     (nullable array)
 * CreateTopics Response (Version: 7) =>   topics => name topic_id error_code ...
 *
 * Manual replica assignments are read and ignored: a single broker holds every replica.
 */

const FIRST_FLEXIBLE = 5;
const FIRST_TOPIC_ID = 7;
const SINGLE_REPLICA = 1;

export interface CreateTopicsWireResponse {
  topics: Array<CreateTopicsResponse['topics'][number] & { topicId: string; numPartitions: number }>;
}

export const createTopicsApi: ApiDefinition<CreateTopicsRequest, CreateTopicsWireResponse> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: FIRST_FLEXIBLE,

  decodeRequest(reader: ByteReader, version: number): CreateTopicsRequest {
    const topics = reader.flexArray((t) => {
      const topic = t.flexString();
      const numPartitions = t.int32();
      const replicationFactor = t.int16();
      t.flexArray((a) => {
        a.int32();
        a.flexArray((b) => b.int32());
        a.flexTags();
      });
      const configs = t.flexArray((c) => {
        const config = { name: c.flexString(), value: c.flexNullableString() };
        c.flexTags();
        return config;
      });
      t.flexTags();
      return { topic, numPartitions, replicationFactor, configs };
    });
    const timeoutMs = reader.int32();
    const validateOnly = version >= 1 ? reader.boolean() : false;
    reader.flexTags();
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(writer: ByteWriter, version: number, response: CreateTopicsWireResponse): void {
    if (version >= 2) writer.int32(0);
    writer.flexArray(response.topics, (w, t) => {
      w.flexString(t.topic);
      if (version >= FIRST_TOPIC_ID) w.uuid(t.topicId);
      w.int16(t.errorCode);
      if (version >= 1) w.flexNullableString(t.errorMessage);
      if (version >= FIRST_FLEXIBLE) {
        const ok = t.errorCode === ErrorCode.NONE;
        w.int32(ok ? t.numPartitions : -1).int16(ok ? SINGLE_REPLICA : -1);
        w.flexEmptyArray(); // configs: read them with DescribeConfigs
      }
      w.flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    const response = await context.broker.createTopics(request);
    const created = response.topics.filter((t) => t.errorCode === ErrorCode.NONE).map((t) => t.topic);
    const partitions = new Map<string, number>();
    if (created.length > 0 && !request.validateOnly) {
      const metadata = await context.broker.metadata({ topics: created, allowAutoTopicCreation: false });
      for (const t of metadata.topics) partitions.set(t.topic, t.partitions.length);
    }
    const asked = new Map(request.topics.map((t) => [t.topic, t.numPartitions]));
    return {
      topics: response.topics.map((t) => ({
        ...t,
        topicId: context.topicIds.idOf(t.topic) ?? ZERO_UUID,
        numPartitions: partitions.get(t.topic) ?? asked.get(t.topic) ?? -1,
      })),
    };
  },
};
