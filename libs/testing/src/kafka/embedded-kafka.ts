import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker, EmbeddedBrokerConfig } from '@peak/broker';
import { Kafka, logLevel } from '@peak/kafka';
import { KafkaWireServer } from '@peak/wire';
import { EmbeddedKafkaStoppedError } from '../testing.errors';
import { readConsumerLag } from './consumer-lag';
import type { ConsumerLag, EmbeddedKafka, EmbeddedKafkaOptions, ReceivedMessage, TopicSpec, WaitForMessagesOptions } from './embedded-kafka.types';
import { forwardingBroker } from './forwarding-broker';
import { waitForMessages } from './message-waiter';

export const DEFAULT_EMBEDDED_KAFKA_CLIENT_ID = 'embedded-kafka';
export const DEFAULT_TCP_HOST = '127.0.0.1';
const TEMP_DIR_PREFIX = 'peak-embedded-kafka-';

interface Listener {
  host: string;
  port: number;
}

class RunningEmbeddedKafka implements EmbeddedKafka {
  readonly kafka: Kafka;
  private wire: KafkaWireServer | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private current: EmbeddedBroker,
    private readonly config: EmbeddedBrokerConfig,
    private listener: Listener | null,
    readonly dataDir: string | null,
    private readonly ownsDataDir: boolean,
    options: EmbeddedKafkaOptions,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? DEFAULT_EMBEDDED_KAFKA_CLIENT_ID,
      broker: forwardingBroker(() => this.current),
      logLevel: options.logLevel ?? logLevel.ERROR,
    });
  }

  get broker(): EmbeddedBroker {
    return this.current;
  }

  get server(): KafkaWireServer | null {
    return this.wire;
  }

  get brokers(): string[] {
    if (!this.wire || !this.listener) return [];
    return [`${this.wire.advertisedAddress.host}:${this.wire.advertisedAddress.port}`];
  }

  /** Starts the TCP listener (port 0 picks one, then kept for restarts). */
  async listen(): Promise<void> {
    if (!this.listener) return;
    const server = new KafkaWireServer({ broker: this.current, host: this.listener.host, port: this.listener.port });
    const bound = await server.start();
    this.listener = { host: this.listener.host, port: bound.port };
    this.current.setAdvertisedListener(server.advertisedAddress.host, server.advertisedAddress.port);
    this.wire = server;
  }

  async createTopics(...topics: Array<string | TopicSpec>): Promise<boolean> {
    this.assertRunning('createTopics');
    const specs = topics.map((t) => (typeof t === 'string' ? { topic: t } : t));
    if (specs.length === 0) return false;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.createTopics({ topics: specs });
    } finally {
      await admin.disconnect();
    }
  }

  waitForMessages(topic: string, count: number, options?: WaitForMessagesOptions): Promise<ReceivedMessage[]> {
    this.assertRunning('waitForMessages');
    return waitForMessages(this.kafka, topic, count, options);
  }

  consumerLag(groupId: string, topics?: string[]): Promise<ConsumerLag> {
    this.assertRunning('consumerLag');
    return readConsumerLag(this.kafka, groupId, topics);
  }

  async restart(): Promise<void> {
    this.assertRunning('restart');
    await this.wire?.close();
    this.wire = null;
    await this.current.close();
    this.current = await EmbeddedBroker.start(this.config);
    await this.listen();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.wire?.close();
        await this.current.close();
      } finally {
        if (this.ownsDataDir && this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
      }
    })();
    return this.stopping;
  }

  private assertRunning(what: string): void {
    if (this.stopping) throw new EmbeddedKafkaStoppedError(what);
  }
}

/**
 * Starts an embedded Kafka broker for a test, like Spring's @EmbeddedKafka: in memory by
 * default, optionally on disk and behind the Kafka wire protocol on a TCP port. Resolves once
 * the broker (and listener) accept requests and `options.topics` exist. Call stop() when done
 * (afterAll); it leaves no timers, sockets or temp directories behind.
 */
export async function startEmbeddedKafka(options: EmbeddedKafkaOptions = {}): Promise<EmbeddedKafka> {
  const ownsDataDir = options.dataDir === 'temp';
  const dataDir = ownsDataDir ? mkdtempSync(join(tmpdir(), TEMP_DIR_PREFIX)) : (options.dataDir ?? null);
  const config: EmbeddedBrokerConfig = {
    ...options.brokerConfig,
    dataDir: dataDir ?? undefined,
    ...(options.partitions !== undefined ? { numPartitions: options.partitions } : {}),
    ...(options.autoCreateTopics !== undefined ? { autoCreateTopics: options.autoCreateTopics } : {}),
  };
  const tcp = options.tcp === true ? {} : options.tcp || null;
  const listener = tcp ? { host: tcp.host ?? DEFAULT_TCP_HOST, port: tcp.port ?? 0 } : null;
  let broker: EmbeddedBroker;
  try {
    broker = await EmbeddedBroker.start(config);
  } catch (error) {
    if (ownsDataDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = new RunningEmbeddedKafka(broker, config, listener, dataDir, ownsDataDir, options);
  try {
    await running.listen();
    if (options.topics?.length) await running.createTopics(...options.topics);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}
