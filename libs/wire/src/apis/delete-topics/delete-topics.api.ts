import { DeleteTopicsRequest, ErrorCode } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ZERO_UUID } from '../../protocol/flexible-constants';
import { ApiDefinition } from '../api-definition.types';

/*
 * DeleteTopics Request (Version: 0) => [topic_names] timeout_ms
 * DeleteTopics Request (Version: 1..3) => same as version 0
 * DeleteTopics Request (Version: 4..5) => same, flexible
 * DeleteTopics Request (Version: 6) => [topics] timeout_ms
 *   topics => name topic_id                  (name COMPACT_NULLABLE_STRING, topic_id UUID)
 *
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 * DeleteTopics Response (Version: 1..3) => throttle_time_ms [responses]
 * DeleteTopics Response (Version: 4) => same, flexible
 * DeleteTopics Response (Version: 5) =>   responses => name error_code error_message
 * DeleteTopics Response (Version: 6) =>   responses => name topic_id error_code error_message
 */

const FIRST_BY_ID = 6;

export interface DeleteTopicsWireRequest extends DeleteTopicsRequest {
  /** v6+: the topics asked by ID (name unknown to the client), in request order. */
  byId: Array<{ name: string | null; topicId: string }>;
}

export interface DeleteTopicsWireResponse {
  topics: Array<{ topic: string | null; topicId: string; errorCode: number; errorMessage: string | null }>;
}

export const deleteTopicsApi: ApiDefinition<DeleteTopicsWireRequest, DeleteTopicsWireResponse> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: 4,

  decodeRequest(reader: ByteReader, version: number): DeleteTopicsWireRequest {
    if (version >= FIRST_BY_ID) {
      const byId = reader.flexArray((t) => {
        const entry = { name: t.flexNullableString(), topicId: t.uuid() };
        t.flexTags();
        return entry;
      });
      const timeoutMs = reader.int32();
      reader.flexTags();
      return { topics: [], byId, timeoutMs };
    }
    const topics = reader.flexArray((r) => r.flexString());
    const timeoutMs = reader.int32();
    reader.flexTags();
    return { topics, byId: topics.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs };
  },

  encodeResponse(writer: ByteWriter, version: number, response: DeleteTopicsWireResponse): void {
    if (version >= 1) writer.int32(0);
    writer.flexArray(response.topics, (w, t) => {
      w.flexNullableString(version >= FIRST_BY_ID ? t.topic : t.topic ?? '');
      if (version >= FIRST_BY_ID) w.uuid(t.topicId);
      w.int16(t.errorCode);
      if (version >= 5) w.flexNullableString(t.errorMessage);
      w.flexTags();
    });
    writer.flexTags();
  },

  async handle(request, context) {
    const resolved = request.byId.map((t) => {
      const name = t.name ?? (t.topicId !== ZERO_UUID ? context.topicIds.nameOf(t.topicId) ?? null : null);
      const topicId = t.topicId !== ZERO_UUID ? t.topicId : (name !== null ? context.topicIds.idOf(name) : undefined) ?? ZERO_UUID;
      return { name, topicId };
    });
    const names = resolved.flatMap((t) => (t.name === null ? [] : [t.name]));
    const answered = names.length > 0 ? await context.broker.deleteTopics({ topics: names, timeoutMs: request.timeoutMs }) : { topics: [] };
    const codes = new Map(answered.topics.map((t) => [t.topic, t.errorCode]));
    return {
      topics: resolved.map((t) => ({
        topic: t.name,
        topicId: t.topicId,
        errorCode: t.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : codes.get(t.name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: null,
      })),
    };
  },
};
