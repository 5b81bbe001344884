/** Settings of a GroupCoordinator, named after Kafka's broker configs. */
export interface GroupCoordinatorOptions {
  /** Directory for the committed-offsets log; undefined keeps offsets in memory only. */
  dataDir?: string;
  /** group.initial.rebalance.delay.ms: how long an Empty group waits to collect joiners. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** Whether a topic-partition exists (OffsetCommit answers UNKNOWN_TOPIC_OR_PARTITION if not). */
  partitionExists(topic: string, partition: number): boolean;
}

export const DEFAULT_INITIAL_REBALANCE_DELAY_MS = 0;
/** Lower than Kafka's 6 s so tests can use short sessions. */
export const DEFAULT_MIN_SESSION_TIMEOUT_MS = 100;
export const DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
/** offset.metadata.max.bytes */
export const MAX_OFFSET_METADATA_BYTES = 4096;

export function resolveCoordinatorOptions(
  options: Partial<GroupCoordinatorOptions> & Pick<GroupCoordinatorOptions, 'partitionExists'>,
): GroupCoordinatorOptions {
  return {
    dataDir: options.dataDir,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? DEFAULT_INITIAL_REBALANCE_DELAY_MS,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? DEFAULT_MIN_SESSION_TIMEOUT_MS,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? DEFAULT_MAX_SESSION_TIMEOUT_MS,
    partitionExists: options.partitionExists,
  };
}
