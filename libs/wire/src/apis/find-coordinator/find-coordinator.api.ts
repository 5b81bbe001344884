import { ErrorCode, FindCoordinatorResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition, RequestContext } from '../api-definition.types';

/*
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 * FindCoordinator Request (Version: 1..2) => key key_type
 *   key_type => INT8                  (0 group, 1 transaction)
 * FindCoordinator Request (Version: 3) => same as 2, flexible
 * FindCoordinator Request (Version: 4..6) => key_type [coordinator_keys]     (flexible)
 *   coordinator_keys => COMPACT_STRING
 *
 * FindCoordinator Response (Version: 0) => error_code node_id host port
 * FindCoordinator Response (Version: 1..2) => throttle_time_ms error_code error_message node_id host port
 *   error_message => NULLABLE_STRING
 * FindCoordinator Response (Version: 3) => same as 2, flexible
 * FindCoordinator Response (Version: 4..6) => throttle_time_ms [coordinators]
 *   coordinators => key node_id host port error_code error_message
 */

const FIRST_BATCHED = 4;

export interface FindCoordinatorWireRequest {
  keys: string[];
  keyType: number;
}

export interface FindCoordinatorWireResponse {
  coordinators: Array<FindCoordinatorResponse & { key: string }>;
}

/** The coordinator is this server, so its address is the one clients can reach. */
async function locate(key: string, keyType: number, context: RequestContext): Promise<FindCoordinatorResponse & { key: string }> {
  const response = await context.broker.findCoordinator({ key, keyType });
  if (response.errorCode !== ErrorCode.NONE) return { ...response, key };
  return { ...response, key, host: context.advertisedHost, port: context.advertisedPort };
}

export const findCoordinatorApi: ApiDefinition<FindCoordinatorWireRequest, FindCoordinatorWireResponse> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: 3,

  decodeRequest(reader: ByteReader, version: number): FindCoordinatorWireRequest {
    const single = version < FIRST_BATCHED ? reader.flexString() : null;
    const keyType = version >= 1 ? reader.int8() : 0;
    const keys = single === null ? reader.flexArray((r) => r.flexString()) : [single];
    reader.flexTags();
    return { keys, keyType };
  },

  encodeResponse(writer: ByteWriter, version: number, response: FindCoordinatorWireResponse): void {
    if (version >= 1) writer.int32(0);
    if (version >= FIRST_BATCHED) {
      writer.flexArray(response.coordinators, (w, c) => {
        w.flexString(c.key).int32(c.nodeId).flexString(c.host).int32(c.port);
        w.int16(c.errorCode).flexNullableString(c.errorMessage).flexTags();
      });
      writer.flexTags();
      return;
    }
    const c = response.coordinators[0];
    writer.int16(c.errorCode);
    if (version >= 1) writer.flexNullableString(c.errorMessage);
    writer.int32(c.nodeId).flexString(c.host).int32(c.port).flexTags();
  },

  async handle(request, context) {
    const coordinators = await Promise.all(request.keys.map((key) => locate(key, request.keyType, context)));
    return { coordinators };
  },
};
