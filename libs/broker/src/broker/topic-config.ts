import { LOG_CONFIG_NAMES, LogConfig } from '../storage/log-config';

/** Topic configs accepted for compatibility but without effect on a single embedded broker. */
const ACCEPTED_WITHOUT_EFFECT = new Set([
  'min.insync.replicas',
  'compression.type',
  'unclean.leader.election.enable',
  'message.timestamp.type',
  'flush.messages',
  'flush.ms',
]);

export class InvalidTopicConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Turns Kafka topic configs into a LogConfig, rejecting what this broker cannot honour. */
export function resolveLogConfig(base: LogConfig, overrides: Record<string, string>): LogConfig {
  const config: LogConfig = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    const field = LOG_CONFIG_NAMES[name];
    if (field) {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new InvalidTopicConfigError(`${name} must be an integer, got "${value}"`);
      config[field] = n;
    } else if (name === 'cleanup.policy') {
      if (value !== 'delete') throw new InvalidTopicConfigError(`cleanup.policy=${value} is not supported (only delete)`);
    } else if (!ACCEPTED_WITHOUT_EFFECT.has(name)) {
      throw new InvalidTopicConfigError(`Unknown topic config ${name}`);
    }
  }
  return config;
}
