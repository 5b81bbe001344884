import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';

export const DEFAULT_BROKER_DATA_DIR = '.data/broker';
export const DEFAULT_CONSUMER_MEMBERS = 2;
export const DEFAULT_RETRY_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_INITIAL_BACKOFF_MS = 20;
export const DEFAULT_RETRY_MAX_BACKOFF_MS = 2_000;
/** Longest wait between two tries of a partition that fails transiently (database down). */
export const DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS = 5_000;
export const DEFAULT_TOPIC_PARTITIONS = 4;
export const DEFAULT_PUBLISH_LINGER_MS = 5;
/** fetch.min.bytes of the services' consumers: about ten order events. */
export const DEFAULT_CONSUMER_FETCH_MIN_BYTES = 4_096;
/** fetch.max.wait.ms of the services' consumers: the most a lone event waits per hop. */
export const DEFAULT_CONSUMER_FETCH_MAX_WAIT_MS = 50;

/** Environment read by the messaging library. */
export class MessagingEnv {
  /** Comma-separated host:port list: use the real kafkajs package against those brokers. */
  @IsOptional()
  @IsString()
  KAFKA_BROKERS?: string;

  /**
   * Client used with KAFKA_BROKERS: `kafkajs` (default; any Kafka cluster) or `peak`, our own
   * client (@peak/kafka over WireBroker): single-broker clusters such as `npm run broker`, at
   * a fraction of kafkajs's CPU per message.
   */
  @IsIn(['kafkajs', 'peak'])
  KAFKA_CLIENT: 'kafkajs' | 'peak' = 'kafkajs';

  /** Embedded broker storage: `disk` (BROKER_DATA_DIR) or `memory`. */
  @IsIn(['disk', 'memory'])
  BROKER_STORAGE: 'disk' | 'memory' = 'disk';

  @IsString()
  BROKER_DATA_DIR: string = DEFAULT_BROKER_DATA_DIR;

  /**
   * Embedded broker only: also serve the Kafka wire protocol on this port of HOST (kcat,
   * kafkajs, the flash-sale probe can then reach the in-process broker). Unset: no listener.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65_535)
  BROKER_PORT?: number;

  @IsString()
  KAFKA_CLIENT_ID = 'peak-orders';

  /**
   * Kafka's linger.ms for this process's events: with no produce request in flight, an event
   * waits this long for others to share its request (one fdatasync per partition at the
   * broker instead of one per event). Urgent events (a buyer's order) never wait.
   */
  @IsInt()
  @Min(0)
  @Max(1_000)
  PUBLISH_LINGER_MS: number = DEFAULT_PUBLISH_LINGER_MS;

  /** Members per consumer group started in this process (they share the partitions). */
  @IsInt()
  @Min(1)
  @Max(64)
  CONSUMER_MEMBERS: number = DEFAULT_CONSUMER_MEMBERS;

  /**
   * Consumer groups this process runs, comma-separated: unset runs every group its handlers
   * name; `none` runs none (an HTTP-only replica, e.g. order-service's intake apart from its
   * aggregator).
   */
  @IsOptional()
  @IsString()
  CONSUMER_GROUPS?: string;

  /**
   * Kafka's fetch.min.bytes for this process's consumers: the broker holds a fetch until this
   * much data is there (or CONSUMER_FETCH_MAX_WAIT_MS passes). A consumer that is caught up
   * then takes events ten at a time instead of one per fetch, which during a burst spares the
   * broker and the consumer most of their per-fetch work (CPU the order intake needs);
   * a consumer with a backlog gets full fetches at once either way. 1 answers every event
   * at once (Kafka's default).
   */
  @IsInt()
  @Min(1)
  @Max(64 * 1024 * 1024)
  CONSUMER_FETCH_MIN_BYTES: number = DEFAULT_CONSUMER_FETCH_MIN_BYTES;

  /** Kafka's fetch.max.wait.ms: the longest the broker holds a fetch waiting for CONSUMER_FETCH_MIN_BYTES. */
  @IsInt()
  @Min(0)
  @Max(30_000)
  CONSUMER_FETCH_MAX_WAIT_MS: number = DEFAULT_CONSUMER_FETCH_MAX_WAIT_MS;

  @IsInt()
  @Min(1)
  @Max(256)
  TOPIC_PARTITIONS: number = DEFAULT_TOPIC_PARTITIONS;

  /** Deliveries of one message before it goes to `<topic>.DLQ`. */
  @IsInt()
  @Min(1)
  @Max(100)
  RETRY_MAX_ATTEMPTS: number = DEFAULT_RETRY_MAX_ATTEMPTS;

  @IsInt()
  @Min(0)
  RETRY_INITIAL_BACKOFF_MS: number = DEFAULT_RETRY_INITIAL_BACKOFF_MS;

  @IsInt()
  @Min(0)
  RETRY_MAX_BACKOFF_MS: number = DEFAULT_RETRY_MAX_BACKOFF_MS;

  /**
   * Cap of the backoff between tries of a transient failure (database unavailable, timeout,
   * deadlock, broker unreachable): those are retried without limit from
   * RETRY_INITIAL_BACKOFF_MS, doubling up to this, while the partition is paused.
   */
  @IsInt()
  @Min(1)
  @Max(600_000)
  RETRY_TRANSIENT_MAX_BACKOFF_MS: number = DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS;
}

export interface MessagingConfig {
  brokers: string[] | null;
  /** Client used with `brokers` (KAFKA_CLIENT); absent means kafkajs. */
  client?: 'kafkajs' | 'peak';
  storage: 'disk' | 'memory';
  dataDir: string;
  /** Port of the embedded broker's Kafka listener (null: none). */
  listenPort: number | null;
  listenHost: string;
  clientId: string;
  consumerMembers: number;
  publishLingerMs: number;
  /** fetch.min.bytes and fetch.max.wait.ms of this process's consumers. */
  fetch: { minBytes: number; maxWaitMs: number };
  /** Groups to run (null: all registered). */
  consumerGroups: string[] | null;
  topicPartitions: number;
  retry: RetryPolicy;
}

export interface RetryPolicy {
  /** Tries of a permanent failure before the DLQ (transient failures are not counted). */
  maxAttempts: number;
  initialBackoffMs: number;
  /** Cap of the backoff between tries of a permanent failure. */
  maxBackoffMs: number;
  /** Cap of the backoff between tries of a transient failure (default DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS). */
  transientMaxBackoffMs?: number;
}

export const messagingConfig = registerAs('messaging', (): MessagingConfig => {
  const env = validateEnv(MessagingEnv, process.env);
  const brokers = env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
  return {
    brokers: brokers.length > 0 ? brokers : null,
    client: env.KAFKA_CLIENT,
    storage: env.BROKER_STORAGE,
    dataDir: env.BROKER_DATA_DIR,
    listenPort: env.BROKER_PORT ?? null,
    listenHost: process.env.HOST || '127.0.0.1',
    clientId: env.KAFKA_CLIENT_ID,
    consumerMembers: env.CONSUMER_MEMBERS,
    publishLingerMs: env.PUBLISH_LINGER_MS,
    fetch: { minBytes: env.CONSUMER_FETCH_MIN_BYTES, maxWaitMs: env.CONSUMER_FETCH_MAX_WAIT_MS },
    consumerGroups: parseGroups(env.CONSUMER_GROUPS),
    topicPartitions: env.TOPIC_PARTITIONS,
    retry: {
      maxAttempts: env.RETRY_MAX_ATTEMPTS,
      initialBackoffMs: env.RETRY_INITIAL_BACKOFF_MS,
      maxBackoffMs: env.RETRY_MAX_BACKOFF_MS,
      transientMaxBackoffMs: env.RETRY_TRANSIENT_MAX_BACKOFF_MS,
    },
  };
});

/** `CONSUMER_GROUPS`: unset or blank → all; `none` → no group; otherwise the listed groups. */
export function parseGroups(raw: string | undefined): string[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.trim() === 'none') return [];
  return raw.split(',').map((g) => g.trim()).filter(Boolean);
}
