import { DescribeConfigsRequest, DescribeConfigsResponse, ErrorCode } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * DescribeConfigs Request (Version: 0) => [resources]
 *   resources => resource_type resource_name [configuration_keys]   (INT8, STRING, nullable [STRING])
 * DescribeConfigs Request (Version: 1..2) => [resources] include_synonyms
 * DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
 * DescribeConfigs Request (Version: 4) => same as 3, flexible
 *
 * DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
 *   results => error_code error_message resource_type resource_name [configs]
 *     configs => name value read_only is_default is_sensitive
 * DescribeConfigs Response (Version: 1..2) =>
 *     configs => name value read_only config_source is_sensitive [synonyms]
 *       synonyms => name value source
 * DescribeConfigs Response (Version: 3) =>
 *     configs => name value read_only config_source is_sensitive [synonyms] config_type documentation
 * DescribeConfigs Response (Version: 4) => same as 3, flexible
 */

/** ConfigSource: set on the topic. */
const DYNAMIC_TOPIC_CONFIG = 1;
/** ConfigSource: the broker's default. */
const DEFAULT_CONFIG = 5;
/** ConfigType: not stated. */
const CONFIG_TYPE_UNKNOWN = 0;

export const describeConfigsApi: ApiDefinition<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): DescribeConfigsRequest {
    const resources = reader.flexArray((r) => {
      const resourceType = r.int8();
      const resourceName = r.flexString();
      const configNames = r.flexNullableArray((k) => k.flexString());
      r.flexTags();
      return { resourceType, resourceName, configNames };
    });
    if (version >= 1) reader.boolean(); // include_synonyms: none are kept
    if (version >= 3) reader.boolean(); // include_documentation
    reader.flexTags();
    return { resources };
  },

  encodeResponse(writer: ByteWriter, version: number, response: DescribeConfigsResponse): void {
    writer.int32(0);
    writer.flexArray(response.results, (w, r) => {
      w.int16(r.errorCode).flexNullableString(r.errorMessage).int8(r.resourceType).flexString(r.resourceName);
      w.flexArray(r.configs, (cw, c) => {
        cw.flexString(c.name).flexNullableString(c.value).boolean(c.readOnly);
        if (version === 0) cw.boolean(c.isDefault);
        else cw.int8(c.isDefault ? DEFAULT_CONFIG : DYNAMIC_TOPIC_CONFIG);
        cw.boolean(c.isSensitive);
        if (version >= 1) cw.flexEmptyArray(); // synonyms
        if (version >= 3) cw.int8(CONFIG_TYPE_UNKNOWN).flexNullableString(null);
        cw.flexTags();
      });
      w.flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    if (context.broker.describeConfigs !== undefined) return context.broker.describeConfigs(request);
    return {
      results: request.resources.map((r) => ({
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        errorMessage: 'This broker does not describe configs',
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: [],
      })),
    };
  },
};
