import type { BrokerApi } from '@peak/protocol';
import type { Logger, logCreator, logLevel } from '../logger/logger';
import type { RetryOptions } from '../retry/retry.types';
import type { PartitionMetadata } from './metadata.types';
import type { Message } from './message.types';
import type { PartitionAssigner } from './assigner.types';

/**
 * Like kafkajs's KafkaConfig, except that instead of `brokers` (addresses) the client takes
 * one in-process `broker` implementing BrokerApi.
 */
export interface KafkaConfig {
  broker: BrokerApi;
  clientId?: string;
  /** Per-request timeout (ms) for everything but Fetch's long poll. Default 30000. */
  requestTimeout?: number;
  enforceRequestTimeout?: boolean;
  retry?: RetryOptions;
  logLevel?: logLevel;
  logCreator?: logCreator;
  /** Accepted for source compatibility with kafkajs configs; unused in-process. */
  brokers?: string[];
  connectionTimeout?: number;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: Message;
}
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;
export type DefaultPartitioner = ICustomPartitioner;
export type LegacyPartitioner = ICustomPartitioner;

export interface ProducerConfig {
  createPartitioner?: ICustomPartitioner;
  retry?: RetryOptions;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  idempotent?: boolean;
  transactionalId?: string;
  transactionTimeout?: number;
  maxInFlightRequests?: number;
}

export interface ConsumerConfig {
  groupId: string;
  partitionAssigners?: PartitionAssigner[];
  metadataMaxAge?: number;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  maxBytesPerPartition?: number;
  minBytes?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  retry?: RetryOptions & { restartOnFailure?: (err: Error) => Promise<boolean> };
  allowAutoTopicCreation?: boolean;
  maxInFlightRequests?: number;
  readUncommitted?: boolean;
  rackId?: string;
}

export interface AdminConfig {
  retry?: RetryOptions;
}

export type { Logger };
