import { BrokerDescription, MetadataRequest, MetadataResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition, RequestContext } from '../api-definition.types';

/*
 * Metadata Request (Version: 1) => [topics]
 *   topics => name
 *     name => STRING                 (null array = all topics)
 * Metadata Request (Version: 2) => same as version 1
 * Metadata Request (Version: 3) => same as version 1
 * Metadata Request (Version: 4) => [topics] allow_auto_topic_creation
 *   allow_auto_topic_creation => BOOLEAN
 * Metadata Request (Version: 5) => same as version 4
 * Metadata Request (Version: 6) => same as version 4
 *
 * Metadata Response (Version: 1) => [brokers] controller_id [topics]
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING
 *   controller_id => INT32
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 * Metadata Response (Version: 2) => [brokers] cluster_id controller_id [topics]
 *   cluster_id => NULLABLE_STRING
 * Metadata Response (Version: 3) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   throttle_time_ms => INT32
 * Metadata Response (Version: 4) => same as version 3
 * Metadata Response (Version: 5) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes] [offline_replicas]
 *       offline_replicas => INT32
 * Metadata Response (Version: 6) => same as version 5
 */

/** The one node a single-broker server advertises. */
export const ADVERTISED_NODE_ID = 0;

/**
 * Points every broker entry at the address clients can reach, whatever the broker
 * believes its own address is (the server knows where it actually listens).
 */
export function advertiseBrokers(brokers: BrokerDescription[], context: RequestContext): BrokerDescription[] {
  const nodes = brokers.length > 0 ? brokers : [{ nodeId: ADVERTISED_NODE_ID, host: '', port: 0, rack: null }];
  return nodes.map((b) => ({ ...b, host: context.advertisedHost, port: context.advertisedPort }));
}

export const metadataApi: ApiDefinition<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 1,
  maxVersion: 6,

  decodeRequest(reader: ByteReader, version: number): MetadataRequest {
    const topics = reader.nullableArray((r) => r.string());
    const allowAutoTopicCreation = version >= 4 ? reader.boolean() : true;
    return { topics, allowAutoTopicCreation };
  },

  encodeResponse(writer: ByteWriter, version: number, response: MetadataResponse): void {
    if (version >= 3) writer.int32(0);
    writer.array(response.brokers, (w, b) => w.int32(b.nodeId).string(b.host).int32(b.port).nullableString(b.rack));
    if (version >= 2) writer.nullableString(response.clusterId);
    writer.int32(response.controllerId);
    writer.array(response.topics, (w, t) => {
      w.int16(t.errorCode).string(t.topic).boolean(t.isInternal);
      w.array(t.partitions, (pw, p) => {
        pw.int16(p.errorCode).int32(p.partition).int32(p.leader);
        pw.array(p.replicas, (x, n) => x.int32(n)).array(p.isr, (x, n) => x.int32(n));
        if (version >= 5) pw.array(p.offlineReplicas, (x, n) => x.int32(n));
      });
    });
  },

  async handle(request, context) {
    const response = await context.broker.metadata(request);
    return { ...response, brokers: advertiseBrokers(response.brokers, context) };
  },
};
