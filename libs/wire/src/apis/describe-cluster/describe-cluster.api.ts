import { ErrorCode } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/flexible-constants';
import { ApiDefinition } from '../api-definition.types';
import { advertiseBrokers } from '../metadata/metadata.api';

/*
 * DescribeCluster Request (Version: 0) => include_cluster_authorized_operations      (flexible from v0)
 *   include_cluster_authorized_operations => BOOLEAN
 * DescribeCluster Request (Version: 1) => include_cluster_authorized_operations endpoint_type
 *   endpoint_type => INT8                   (1 brokers, 2 controllers)
 *
 * DescribeCluster Response (Version: 0) => throttle_time_ms error_code error_message cluster_id
 *                                          controller_id [brokers] cluster_authorized_operations
 *   brokers => broker_id host port rack
 * DescribeCluster Response (Version: 1) => throttle_time_ms error_code error_message endpoint_type
 *                                          cluster_id controller_id [brokers] cluster_authorized_operations
 */

const BROKER_ENDPOINTS = 1;

export interface DescribeClusterResponse {
  errorCode: number;
  endpointType: number;
  clusterId: string;
  controllerId: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
}

export const describeClusterApi: ApiDefinition<{ endpointType: number }, DescribeClusterResponse> = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 0,

  decodeRequest(reader: ByteReader, version: number) {
    reader.boolean(); // include_cluster_authorized_operations
    const endpointType = version >= 1 ? reader.int8() : BROKER_ENDPOINTS;
    reader.flexTags();
    return { endpointType };
  },

  encodeResponse(writer: ByteWriter, version: number, response: DescribeClusterResponse): void {
    writer.int32(0).int16(response.errorCode).flexNullableString(null);
    if (version >= 1) writer.int8(response.endpointType);
    writer.flexString(response.clusterId).int32(response.controllerId);
    writer.flexArray(response.brokers, (w, b) => w.int32(b.nodeId).flexString(b.host).int32(b.port).flexNullableString(b.rack).flexTags());
    writer.int32(AUTHORIZED_OPERATIONS_OMITTED).flexTags();
  },

  async handle(request, context) {
    const metadata = await context.broker.metadata({ topics: [], allowAutoTopicCreation: false });
    // This node is both the broker and the controller, so either endpoint type lists it.
    return {
      errorCode: ErrorCode.NONE,
      endpointType: request.endpointType,
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId,
      brokers: advertiseBrokers(metadata.brokers, context),
    };
  },
};
