/**
 * @peak/kafka: a kafkajs 2.2.4-compatible client for an in-process BrokerApi, or for a broker
 * process over TCP with WireBroker. Code written for kafkajs runs unchanged apart from
 * `new Kafka({ clientId, broker })`.
 */
export { Kafka } from './kafka';
export { Producer } from './producer/producer';
export { Consumer } from './consumer/consumer';
export { Admin } from './admin/admin';
export { WireBroker } from './wire/wire-broker';
export type { WireBrokerOptions } from './wire/wire-broker';
export { CompressionTypes, CompressionCodecs } from './producer/compression';
export { Partitioners } from './producer/partitioners';
export { PartitionAssigners, AssignerProtocol } from './consumer/assigners';
export { logLevel, createLogger } from './logger/logger';
export type { Logger, LogEntry, logCreator, LoggerEntryContent } from './logger/logger';
export type { RetryOptions } from './retry/retry.types';
export * from './errors';
export * from './types';
export type {
  InstrumentationEvent,
  RemoveInstrumentationEventListener,
  ConnectEvent,
  DisconnectEvent,
  RequestEvent,
  RequestTimeoutEvent,
  RequestQueueSizeEvent,
  ProducerEvents,
  ConsumerEvents,
  AdminEvents,
} from './instrumentation';
