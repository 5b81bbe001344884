import { DEFAULT_MAX_OPEN_LOG_FILES } from '../storage/disk/descriptor-pool';
import { LogConfig } from '../storage/log-config';

export { DEFAULT_MAX_OPEN_LOG_FILES };
import { LogStorage } from '../storage/storage.interface';

export interface EmbeddedBrokerOptions {
  /** Data directory for partition logs, committed offsets and topic metadata. Unset = in memory. */
  dataDir?: string;
  /** A storage to use instead of the one chosen by dataDir (tests). */
  storage?: LogStorage;
  /** This broker's node id (the only node of its cluster). */
  nodeId: number;
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort: number;
  clusterId: string;
  /** auto.create.topics.enable */
  autoCreateTopics: boolean;
  /** num.partitions: partitions of an auto-created topic, or of one created with -1. */
  numPartitions: number;
  /** Log settings for topics that do not override them. */
  log: LogConfig;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** Most partitions one topic may have (CreateTopics/CreatePartitions above it: INVALID_PARTITIONS). */
  maxPartitionsPerTopic: number;
  /** Most partitions this broker holds in all (a creation that would pass it: POLICY_VIOLATION). */
  maxPartitions: number;
  /**
   * Most topics one Metadata or Produce request may auto-create; the others are answered
   * LEADER_NOT_AVAILABLE (Metadata) or UNKNOWN_TOPIC_OR_PARTITION (Produce), both retriable.
   */
  maxAutoCreatedTopicsPerRequest: number;
  /**
   * Most segment and index files open at once (disk storage; a budget for the whole process):
   * files open when used and the least recently used idle ones close, so many partitions do
   * not exhaust file descriptors. Keep it well below `ulimit -n`.
   */
  maxOpenLogFiles: number;
}

export const DEFAULT_MAX_PARTITIONS_PER_TOPIC = 10_000;
export const DEFAULT_MAX_PARTITIONS = 50_000;
export const DEFAULT_MAX_AUTO_CREATED_TOPICS_PER_REQUEST = 100;

export const DEFAULT_BROKER_OPTIONS = Object.freeze({
  nodeId: 0,
  advertisedHost: '127.0.0.1',
  advertisedPort: 9092,
  clusterId: 'peak-shaving-embedded',
  autoCreateTopics: true,
  numPartitions: 1,
  retentionCheckIntervalMs: 5 * 60 * 1000,
  groupInitialRebalanceDelayMs: 0,
  groupMinSessionTimeoutMs: 100,
  groupMaxSessionTimeoutMs: 30 * 60 * 1000,
  maxPartitionsPerTopic: DEFAULT_MAX_PARTITIONS_PER_TOPIC,
  maxPartitions: DEFAULT_MAX_PARTITIONS,
  maxAutoCreatedTopicsPerRequest: DEFAULT_MAX_AUTO_CREATED_TOPICS_PER_REQUEST,
  maxOpenLogFiles: DEFAULT_MAX_OPEN_LOG_FILES,
});

/** Legal Kafka topic names: [a-zA-Z0-9._-], 1..249 chars, not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name);
}
