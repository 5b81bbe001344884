import type { EmbeddedBroker, EmbeddedBrokerConfig } from '@peak/broker';
import type { Kafka, KafkaMessage, logLevel } from '@peak/kafka';
import type { KafkaWireServer } from '@peak/wire';

/** A topic to create, as in kafkajs's `admin.createTopics`. */
export interface TopicSpec {
  topic: string;
  /** Default: the broker's `partitions`. */
  numPartitions?: number;
}

/** Where the Kafka wire protocol listens when `tcp` is on. */
export interface EmbeddedKafkaTcpOptions {
  /** Default 0: an ephemeral port (kept across restart()). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface EmbeddedKafkaOptions {
  /**
   * Where the broker keeps its log. Unset: in memory. 'temp': a fresh directory under
   * os.tmpdir(), removed by stop(). A path: that directory, kept after stop() (restart tests).
   */
  dataDir?: string | 'temp';
  /** Partitions of auto-created topics (num.partitions). Default 1. */
  partitions?: number;
  /** auto.create.topics.enable. Default true. */
  autoCreateTopics?: boolean;
  /** Topics created before startEmbeddedKafka() resolves. */
  topics?: TopicSpec[];
  /** Also serve the Kafka wire protocol over TCP (for the real kafkajs, NestJS Transport.KAFKA, kcat). Default off. */
  tcp?: boolean | EmbeddedKafkaTcpOptions;
  /** clientId of the `kafka` client. Default 'embedded-kafka'. */
  clientId?: string;
  /** Log level of the `kafka` client. Default ERROR. */
  logLevel?: logLevel;
  /** Any other broker setting (log segment sizes, group timings, ...); the options above win. */
  brokerConfig?: EmbeddedBrokerConfig;
}

export interface WaitForMessagesOptions {
  /** Default 10,000 ms. */
  timeoutMs?: number;
  /**
   * true (default): count every message the topic holds. false: skip what the topic holds when
   * the call starts (its end offsets are read first, before the throwaway consumer joins).
   */
  fromBeginning?: boolean;
}

/** A consumed message with where it came from. */
export type ReceivedMessage = KafkaMessage & { topic: string; partition: number };

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset; null when it has committed none for this partition. */
  committedOffset: number | null;
  /** The partition's end offset (high watermark). */
  endOffset: number;
  /** endOffset minus committedOffset; with no commit, every retained message counts. */
  lag: number;
}

export interface ConsumerLag {
  groupId: string;
  /** Sum over `partitions`. */
  total: number;
  partitions: PartitionLag[];
}

/** What startEmbeddedKafka() hands back. */
export interface EmbeddedKafka {
  /** The broker (the current one after restart()). */
  readonly broker: EmbeddedBroker;
  /** A kafkajs-compatible client on the broker, in-process; keeps working across restart(). */
  readonly kafka: Kafka;
  /** ["host:port"] of the TCP listener when `tcp` is on (for the real kafkajs); [] otherwise. */
  readonly brokers: string[];
  /** The TCP listener when `tcp` is on, else null. */
  readonly server: KafkaWireServer | null;
  /** The broker's data directory, or null in memory. */
  readonly dataDir: string | null;
  /** Creates topics (kafkajs semantics: an existing topic is not an error). Resolves false when all existed. */
  createTopics(...topics: Array<string | TopicSpec>): Promise<boolean>;
  /**
   * Consumes `topic` with a throwaway consumer group until `count` messages arrived and resolves
   * with every message received by then (at least `count`, each partition in offset order). On
   * timeout it rejects with MessageWaitTimeoutError naming what did arrive. The group is deleted after.
   */
  waitForMessages(topic: string, count: number, options?: WaitForMessagesOptions): Promise<ReceivedMessage[]>;
  /** Lag of `groupId` per partition: of `topics` when given, else of every topic the group committed offsets for. */
  consumerLag(groupId: string, topics?: string[]): Promise<ConsumerLag>;
  /**
   * Closes the broker (and the TCP listener, dropping its connections) and opens it again on
   * the same data directory and port, as a Kafka restart. In memory, the new broker is empty.
   */
  restart(): Promise<void>;
  /** Closes everything and removes a 'temp' data dir. Safe to call more than once. */
  stop(): Promise<void>;
}
