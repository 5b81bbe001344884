import { Admin } from './admin/admin';
import { BrokerClient } from './cluster/broker-client';
import { Cluster } from './cluster/cluster';
import { Consumer } from './consumer/consumer';
import { KafkaJSNonRetriableError } from './errors';
import { AdminEventNames, ConsumerEventNames, InstrumentationEmitter, NetworkEventNames, ProducerEventNames } from './instrumentation';
import { createLogger, Logger } from './logger/logger';
import { Producer } from './producer/producer';
import type { AdminConfig, ConsumerConfig, KafkaConfig, ProducerConfig } from './types/config.types';

export const DEFAULT_CLIENT_ID = 'kafkajs';

/**
 * kafkajs's Kafka entry point for an in-process broker: `new Kafka({ clientId, broker })`
 * where `broker` implements BrokerApi. Each producer, consumer and admin gets its own
 * metadata cache and event emitter, as in kafkajs.
 */
export class Kafka {
  private readonly rootLogger: Logger;

  constructor(private readonly config: KafkaConfig) {
    if (!config || !config.broker) throw new KafkaJSNonRetriableError('Kafka needs a `broker` implementing BrokerApi');
    this.rootLogger = createLogger({ level: config.logLevel, logCreator: config.logCreator });
  }

  producer(config: ProducerConfig = {}): Producer {
    const logger = this.rootLogger.namespace('Producer');
    const { client, cluster, emitter } = this.wire(ProducerEventNames, logger, config.allowAutoTopicCreation ?? true, config.metadataMaxAge);
    return new Producer(client, cluster, emitter, logger, config);
  }

  consumer(config: ConsumerConfig): Consumer {
    const logger = this.rootLogger.namespace('Consumer');
    const { client, cluster, emitter } = this.wire(ConsumerEventNames, logger, config?.allowAutoTopicCreation ?? true, config?.metadataMaxAge);
    return new Consumer(client, cluster, emitter, logger, config);
  }

  admin(config: AdminConfig = {}): Admin {
    const logger = this.rootLogger.namespace('Admin');
    const { client, cluster, emitter } = this.wire(AdminEventNames, logger, false, undefined);
    return new Admin(client, cluster, emitter, logger, config);
  }

  logger(): Logger {
    return this.rootLogger;
  }

  private wire(events: NetworkEventNames<string>, logger: Logger, allowAutoTopicCreation: boolean, metadataMaxAge: number | undefined) {
    const emitter = new InstrumentationEmitter((eventName, e) => logger.error(`Failed to execute listener: ${(e as Error)?.message}`, { eventName }));
    const client = new BrokerClient(this.config.broker, {
      clientId: this.config.clientId ?? DEFAULT_CLIENT_ID,
      requestTimeout: this.config.requestTimeout,
      enforceRequestTimeout: this.config.enforceRequestTimeout,
      emitter,
      events,
    });
    const cluster = new Cluster(client, { allowAutoTopicCreation, metadataMaxAge });
    return { client, cluster, emitter };
  }
}
