import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka as PeakKafka, logLevel as peakLogLevel, WireBroker } from '@peak/kafka';
import { KafkaWireServer } from '@peak/wire';
import type { MessagingConfig } from '../config/messaging.config';

/**
 * One Kafka client for an application, and the embedded broker behind it when there is
 * one. `kafka` has the kafkajs 2.2.4 API whichever path was taken:
 * - KAFKA_BROKERS set → the real `kafkajs` package over TCP, or with KAFKA_CLIENT=peak our
 *   own client (`@peak/kafka` on a WireBroker: single-broker clusters, much less CPU);
 * - otherwise → our in-process client (`@peak/kafka`) on an EmbeddedBroker (disk or memory).
 */
export class KafkaConnection {
  private static readonly logger = new Logger(KafkaConnection.name);

  private listener: KafkaWireServer | null = null;

  private constructor(
    readonly kafka: Kafka,
    private readonly broker: EmbeddedBroker | null,
    private readonly wire: WireBroker | null = null,
  ) {}

  /** Connects per `config`. The broker, if embedded, is owned and closed by this connection. */
  static async open(config: MessagingConfig): Promise<KafkaConnection> {
    if (config.brokers && config.client === 'peak') {
      KafkaConnection.logger.log(`using @peak/kafka over TCP against ${config.brokers.join(',')}`);
      const wire = new WireBroker({ brokers: config.brokers, clientId: config.clientId });
      const kafka = new PeakKafka({ clientId: config.clientId, broker: wire, logLevel: peakLogLevel.WARN }) as unknown as Kafka;
      return new KafkaConnection(kafka, null, wire);
    }
    if (config.brokers) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const kafkajs = require('kafkajs') as typeof import('kafkajs');
      KafkaConnection.logger.log(`using kafkajs against ${config.brokers.join(',')}`);
      const kafka = new kafkajs.Kafka({ clientId: config.clientId, brokers: config.brokers, logLevel: kafkajs.logLevel.WARN });
      return new KafkaConnection(kafka, null);
    }
    const dataDir = config.storage === 'disk' ? config.dataDir : undefined;
    const broker = await EmbeddedBroker.start({ dataDir, numPartitions: config.topicPartitions });
    KafkaConnection.logger.log(`embedded broker started (${dataDir ? `data ${dataDir}` : 'in memory'})`);
    const connection = KafkaConnection.onBroker(broker, config.clientId, true);
    if (config.listenPort !== null) await connection.listen(config.listenHost, config.listenPort);
    return connection;
  }

  /** A connection over an existing embedded broker; closes it on close() only when `owned`. */
  static onBroker(broker: EmbeddedBroker, clientId: string, owned = false): KafkaConnection {
    const kafka = new PeakKafka({ clientId, broker, logLevel: peakLogLevel.WARN }) as unknown as Kafka;
    return new KafkaConnection(kafka, owned ? broker : null);
  }

  /**
   * Creates the topics (and their DLQs) that do not exist yet. Safe to call concurrently
   * from several services: an existing topic is not an error.
   */
  async ensureTopics(topics: readonly string[], numPartitions: number): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Serves the owned embedded broker over the Kafka wire protocol too (BROKER_PORT). */
  private async listen(host: string, port: number): Promise<void> {
    const broker = this.broker as EmbeddedBroker;
    const listener = new KafkaWireServer({ broker, host, port, logger: { warn: (m) => KafkaConnection.logger.warn(m) } });
    const bound = await listener.start();
    broker.setAdvertisedListener(listener.advertisedAddress.host, listener.advertisedAddress.port);
    this.listener = listener;
    KafkaConnection.logger.log(`embedded broker listening for Kafka clients on ${bound.host}:${bound.port}`);
  }

  async close(): Promise<void> {
    await this.wire?.close();
    await this.listener?.close();
    this.listener = null;
    await this.broker?.close();
  }
}
