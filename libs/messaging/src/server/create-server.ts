import type { INestApplicationContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Kafka } from 'kafkajs';
import { messagingConfig } from '../config/messaging.config';
import { KAFKA_CLIENT } from '../messaging.module';
import { PeakKafkaServer, PeakKafkaServerOptions } from './peak-kafka.server';
import { DeliveryStats } from '../stats/delivery-stats';
import { ConsumerHealth } from '../health/consumer-health';

/** Consumer session timeout: how long a silent member keeps its partitions. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

/** A PeakKafkaServer using the application's client and messaging config. */
export function createPeakKafkaServer(
  app: INestApplicationContext,
  defaultGroup: string,
  overrides: Partial<PeakKafkaServerOptions> = {},
): PeakKafkaServer {
  const config = app.get<ConfigType<typeof messagingConfig>>(messagingConfig.KEY);
  const stats = app.get(DeliveryStats);
  return new PeakKafkaServer({
    kafka: () => app.get<Kafka>(KAFKA_CLIENT),
    defaultGroup,
    membersPerGroup: config.consumerMembers,
    groups: config.consumerGroups,
    retry: config.retry,
    onOutcome: (outcome) => stats.record(outcome),
    health: app.get(ConsumerHealth),
    consumer: {
      sessionTimeout: DEFAULT_SESSION_TIMEOUT_MS,
      heartbeatInterval: DEFAULT_HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: config.fetch.maxWaitMs,
      minBytes: config.fetch.minBytes,
    },
    ...overrides,
  });
}
