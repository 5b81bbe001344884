/** Header carrying the schema version an event was encoded with (decimal string). */
export const SCHEMA_VERSION_HEADER = 'schema-version';
/** Header carrying the protobuf message type name, for tools reading a topic blind. */
export const EVENT_TYPE_HEADER = 'event-type';
/** Header carrying `application/x-protobuf`. */
export const CONTENT_TYPE_HEADER = 'content-type';
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/** The schema version this code writes. */
export const CURRENT_SCHEMA_VERSION = 1;
/** Schema versions this code can read (additive protobuf changes keep the major version). */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

/** Headers added to a message moved to `<topic>.DLQ`. */
export const DlqHeaders = {
  Error: 'dlq-error',
  ErrorName: 'dlq-error-name',
  Attempts: 'dlq-attempts',
  OriginalTopic: 'dlq-original-topic',
  OriginalPartition: 'dlq-original-partition',
  OriginalOffset: 'dlq-original-offset',
  FailedAt: 'dlq-failed-at',
  ConsumerGroup: 'dlq-consumer-group',
} as const;
