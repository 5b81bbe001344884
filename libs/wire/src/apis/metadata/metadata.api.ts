import { BrokerDescription, ErrorCode, MetadataRequest, MetadataResponse, TopicMetadata } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { AUTHORIZED_OPERATIONS_OMITTED, PARTITION_LEADER_EPOCH, ZERO_UUID } from '../../protocol/flexible-constants';
import { ApiDefinition, RequestContext } from '../api-definition.types';

/*
 * Metadata Request (Version: 0) => [topics]           (empty array = all topics)
 *   topics => name
 *     name => STRING
 * Metadata Request (Version: 1) => [topics]           (null array = all topics)
 *   topics => name
 *     name => STRING
 * Metadata Request (Version: 4) => [topics] allow_auto_topic_creation
 *   allow_auto_topic_creation => BOOLEAN
 * Metadata Request (Version: 8) => [topics] allow_auto_topic_creation
 *     include_cluster_authorized_operations include_topic_authorized_operations (both BOOLEAN)
 * Metadata Request (Version: 9) => same as 8, flexible (compact types, TAG_BUFFER per struct)
 * Metadata Request (Version: 10) => topics => topic_id name      topic_id => UUID, name => COMPACT_NULLABLE_STRING
 * Metadata Request (Version: 11..12) => v10 without include_cluster_authorized_operations
 *
 * Metadata Response (Version: 0) => [brokers] [topics]
 *   brokers => node_id host port
 *   topics => error_code name [partitions]
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 * Metadata Response (Version: 1) => [brokers] controller_id [topics]
 *   brokers => node_id host port rack
 *   topics => error_code name is_internal [partitions]
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 * Metadata Response (Version: 2) => [brokers] cluster_id controller_id [topics]
 * Metadata Response (Version: 3) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 * Metadata Response (Version: 5) =>   partitions => ... [isr_nodes] [offline_replicas]
 * Metadata Response (Version: 7) =>   partitions => error_code partition_index leader_id leader_epoch ...
 * Metadata Response (Version: 8) =>   topics => ... [partitions] topic_authorized_operations
 *                                   ... [topics] cluster_authorized_operations
 * Metadata Response (Version: 9) => same as 8, flexible
 * Metadata Response (Version: 10) => topics => error_code name topic_id is_internal ...
 * Metadata Response (Version: 11..12) => v10 without cluster_authorized_operations (v12: name nullable)
 */

/** The one node a single-broker server advertises. */
export const ADVERTISED_NODE_ID = 0;

const FIRST_FLEXIBLE = 9;
const FIRST_TOPIC_ID = 10;

/** The request plus the topic IDs a v10+ client asked by (resolved in `handle`). */
export interface MetadataWireRequest extends MetadataRequest {
  topicIds?: Array<string | null>;
}

/** A topic as written: with its ID, and without a name when asked by an unknown ID. */
export interface MetadataWireTopic extends TopicMetadata {
  topicId: string;
  unnamed: boolean;
}

export interface MetadataWireResponse extends Omit<MetadataResponse, 'topics'> {
  topics: MetadataWireTopic[];
}

/**
 * Points every broker entry at the address clients can reach, whatever the broker
 * believes its own address is (the server knows where it actually listens).
 */
export function advertiseBrokers(brokers: BrokerDescription[], context: Pick<RequestContext, 'advertisedHost' | 'advertisedPort'>): BrokerDescription[] {
  const nodes = brokers.length > 0 ? brokers : [{ nodeId: ADVERTISED_NODE_ID, host: '', port: 0, rack: null }];
  return nodes.map((b) => ({ ...b, host: context.advertisedHost, port: context.advertisedPort }));
}

export const metadataApi: ApiDefinition<MetadataWireRequest, MetadataWireResponse> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  // v0 is served for clients that probe with it (kafka-python sends Metadata v0 right behind
  // ApiVersions v0; closing the connection on it could cut off the ApiVersions answer).
  minVersion: 0,
  maxVersion: 12,
  firstFlexibleVersion: FIRST_FLEXIBLE,

  decodeRequest(reader: ByteReader, version: number): MetadataWireRequest {
    const asked = reader.flexNullableArray((t) => {
      const topicId = version >= FIRST_TOPIC_ID ? t.uuid() : null;
      const name = version >= FIRST_TOPIC_ID ? t.flexNullableString() : t.flexString();
      t.flexTags();
      return { topicId, name };
    });
    const allowAutoTopicCreation = version >= 4 ? reader.boolean() : true;
    if (version >= 8 && version <= 10) reader.boolean(); // include_cluster_authorized_operations
    if (version >= 8) reader.boolean(); // include_topic_authorized_operations
    reader.flexTags();
    if (asked === null || (version === 0 && asked.length === 0)) return { topics: null, allowAutoTopicCreation };
    const byId = asked.some((t) => t.name === null);
    return {
      topics: asked.map((t) => t.name ?? ''),
      allowAutoTopicCreation,
      topicIds: byId ? asked.map((t) => (t.name === null ? t.topicId : null)) : undefined,
    };
  },

  encodeResponse(writer: ByteWriter, version: number, response: MetadataWireResponse): void {
    if (version >= 3) writer.int32(0);
    writer.flexArray(response.brokers, (w, b) => {
      w.int32(b.nodeId).flexString(b.host).int32(b.port);
      if (version >= 1) w.flexNullableString(b.rack);
      w.flexTags();
    });
    if (version >= 2) writer.flexNullableString(response.clusterId);
    if (version >= 1) writer.int32(response.controllerId);
    writer.flexArray(response.topics, (w, t) => {
      w.int16(t.errorCode).flexNullableString(t.unnamed && version >= 12 ? null : t.topic);
      if (version >= FIRST_TOPIC_ID) w.uuid(t.topicId);
      if (version >= 1) w.boolean(t.isInternal);
      w.flexArray(t.partitions, (pw, p) => {
        pw.int16(p.errorCode).int32(p.partition).int32(p.leader);
        if (version >= 7) pw.int32(PARTITION_LEADER_EPOCH);
        pw.flexArray(p.replicas, (x, n) => x.int32(n)).flexArray(p.isr, (x, n) => x.int32(n));
        if (version >= 5) pw.flexArray(p.offlineReplicas, (x, n) => x.int32(n));
        pw.flexTags();
      });
      if (version >= 8) w.int32(AUTHORIZED_OPERATIONS_OMITTED);
      w.flexTags();
    });
    if (version >= 8 && version <= 10) writer.int32(AUTHORIZED_OPERATIONS_OMITTED);
    writer.flexTags();
  },

  async handle(request, context) {
    const unknownIds: string[] = [];
    let names = request.topics;
    if (names !== null && request.topicIds !== undefined) {
      const ids = request.topicIds;
      names = names.flatMap((name, i) => {
        const id = ids[i];
        if (id === null) return [name];
        const found = context.topicIds.nameOf(id);
        if (found === undefined) unknownIds.push(id);
        return found === undefined ? [] : [found];
      });
    }
    const response = await context.broker.metadata({ topics: names, allowAutoTopicCreation: request.allowAutoTopicCreation });
    const topics = response.topics.map((t): MetadataWireTopic => {
      const id = t.errorCode === ErrorCode.NONE ? context.topicIds.idOf(t.topic) : undefined;
      return { ...t, topicId: id ?? ZERO_UUID, unnamed: false };
    });
    // An ID nobody holds is answered by that ID with UNKNOWN_TOPIC_ID and no name.
    for (const id of unknownIds) {
      topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, topic: '', isInternal: false, partitions: [], topicId: id, unnamed: true });
    }
    return { ...response, topics, brokers: advertiseBrokers(response.brokers, context) };
  },
};
