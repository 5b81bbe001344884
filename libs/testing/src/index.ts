/**
 * @peak/testing: start the embedded broker (and PostgreSQL) inside your own jest tests, like
 * Spring's @EmbeddedKafka. See libs/testing/README.md.
 */
export { startEmbeddedKafka, DEFAULT_EMBEDDED_KAFKA_CLIENT_ID } from './kafka/embedded-kafka';
export { DEFAULT_WAIT_TIMEOUT_MS } from './kafka/message-waiter';
export type {
  EmbeddedKafka,
  EmbeddedKafkaOptions,
  EmbeddedKafkaTcpOptions,
  TopicSpec,
  WaitForMessagesOptions,
  ReceivedMessage,
  ConsumerLag,
  PartitionLag,
} from './kafka/embedded-kafka.types';
export { startEmbeddedPostgres, DEFAULT_TEST_DATABASE_PREFIX } from './postgres/embedded-postgres';
export type { EmbeddedPostgresOptions, TestPostgres } from './postgres/embedded-postgres';
export { NotOwnedServerError } from './postgres/embedded-postgres';
export { useEmbeddedKafka, useEmbeddedPostgres } from './jest/jest-hooks';
export { MessageWaitTimeoutError, EmbeddedKafkaStoppedError } from './testing.errors';
