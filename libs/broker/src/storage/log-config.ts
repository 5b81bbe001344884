/** Per-topic log settings, named after Kafka's topic configs. */
export interface LogConfig {
  /** segment.bytes: roll the active segment when it would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll the active segment when its first batch is older than this (-1 = never). */
  segmentMs: number;
  /** index.interval.bytes: one sparse index entry per this many bytes of log. */
  indexIntervalBytes: number;
  /** retention.ms: delete whole segments whose newest batch is older than this (-1 = keep). */
  retentionMs: number;
  /** retention.bytes: delete oldest whole segments while the log is larger than this (-1 = keep). */
  retentionBytes: number;
  /** max.message.bytes: the largest batch the log accepts. */
  maxMessageBytes: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 128 * 1024 * 1024,
  segmentMs: -1,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1024 * 1024 + 12,
});

/** Kafka config names this broker understands, mapped to LogConfig fields. */
export const LOG_CONFIG_NAMES: Readonly<Record<string, keyof LogConfig>> = Object.freeze({
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'index.interval.bytes': 'indexIntervalBytes',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'max.message.bytes': 'maxMessageBytes',
});
