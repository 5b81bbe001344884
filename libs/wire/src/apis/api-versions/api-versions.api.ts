import { ErrorCode } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * ApiVersions Request (Version: 0) =>
 * ApiVersions Request (Version: 1) =>
 * ApiVersions Request (Version: 2) =>
 * ApiVersions Request (Version: 3) => client_software_name client_software_version TAG_BUFFER
 *   client_software_name => COMPACT_STRING
 *   client_software_version => COMPACT_STRING
 *
 * ApiVersions Response (Version: 0) => error_code [api_keys]
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 * ApiVersions Response (Version: 1) => error_code [api_keys] throttle_time_ms
 *   throttle_time_ms => INT32
 * ApiVersions Response (Version: 2) => same as version 1
 * ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
 *   api_keys => api_key min_version max_version TAG_BUFFER   (compact array)
 * ApiVersions Request/Response (Version: 4) => same as version 3
 *
 * The response header is always v0 (correlation id only), even for v3, so that a client
 * can read the reply to a version the broker does not support.
 */

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsRequest {
  clientSoftwareName: string | null;
  clientSoftwareVersion: string | null;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
}

export const API_VERSIONS_MIN = 0;
export const API_VERSIONS_MAX = 4;
const FIRST_FLEXIBLE = 3;

export const apiVersionsApi: ApiDefinition<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: API_VERSIONS_MIN,
  maxVersion: API_VERSIONS_MAX,
  firstFlexibleVersion: FIRST_FLEXIBLE,

  decodeRequest(reader: ByteReader, version: number): ApiVersionsRequest {
    if (version < FIRST_FLEXIBLE) return { clientSoftwareName: null, clientSoftwareVersion: null };
    const clientSoftwareName = reader.compactString();
    const clientSoftwareVersion = reader.compactString();
    reader.taggedFields();
    return { clientSoftwareName, clientSoftwareVersion };
  },

  encodeResponse(writer: ByteWriter, version: number, response: ApiVersionsResponse): void {
    writer.int16(response.errorCode);
    if (version >= FIRST_FLEXIBLE) {
      writer.compactArray(response.apiKeys, (w, k) => {
        w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion).emptyTaggedFields();
      });
      writer.int32(0).emptyTaggedFields();
      return;
    }
    writer.array(response.apiKeys, (w, k) => w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
    if (version >= 1) writer.int32(0);
  },

  async handle(_request, context) {
    const apiKeys = [...context.supportedApis]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
    return { errorCode: ErrorCode.NONE, apiKeys };
  },
};

/**
 * The reply to an ApiVersions request of a version we do not serve: UNSUPPORTED_VERSION in
 * the v0 shape, listing the ApiVersions versions we do serve so the client can step down.
 */
export function encodeUnsupportedApiVersionsResponse(writer: ByteWriter): void {
  apiVersionsApi.encodeResponse(writer, 0, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: API_VERSIONS_MIN, maxVersion: API_VERSIONS_MAX }],
  });
}
