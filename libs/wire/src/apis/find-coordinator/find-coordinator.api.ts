import { ErrorCode, FindCoordinatorRequest, FindCoordinatorResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 * FindCoordinator Request (Version: 1) => key key_type
 *   key_type => INT8                  (0 group, 1 transaction)
 * FindCoordinator Request (Version: 2) => same as version 1
 *
 * FindCoordinator Response (Version: 0) => error_code node_id host port
 *   error_code => INT16
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 * FindCoordinator Response (Version: 1) => throttle_time_ms error_code error_message node_id host port
 *   throttle_time_ms => INT32
 *   error_message => NULLABLE_STRING
 * FindCoordinator Response (Version: 2) => same as version 1
 */

export const findCoordinatorApi: ApiDefinition<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,

  decodeRequest(reader: ByteReader, version: number): FindCoordinatorRequest {
    const key = reader.string();
    const keyType = version >= 1 ? reader.int8() : 0;
    return { key, keyType };
  },

  encodeResponse(writer: ByteWriter, version: number, response: FindCoordinatorResponse): void {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode);
    if (version >= 1) writer.nullableString(response.errorMessage);
    writer.int32(response.nodeId).string(response.host).int32(response.port);
  },

  /** The coordinator is this server, so its address is the one clients can reach. */
  async handle(request, context) {
    const response = await context.broker.findCoordinator(request);
    if (response.errorCode !== ErrorCode.NONE) return response;
    return { ...response, host: context.advertisedHost, port: context.advertisedPort };
  },
};
