import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import type { Kafka } from 'kafkajs';
import { ALL_TOPICS, dlqTopic } from '@peak/contracts';
import { messagingConfig } from './config/messaging.config';
import { KafkaConnection } from './client/kafka-connection';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_PIPELINE_BATCH, EventPublisher } from './publisher/event-publisher';
import { DeliveryStats } from './stats/delivery-stats';
import { ConsumerHealth } from './health/consumer-health';

/** Injection token of the application's kafkajs-shaped client. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

export interface MessagingModuleOptions {
  /** Use this connection instead of opening one from config (tests share a broker across apps). */
  connection?: KafkaConnection;
}

/** Creates the pipeline topics and DLQs at start-up; closes what this module opened at shutdown. */
@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly publisher: EventPublisher,
    @Inject(messagingConfig.KEY) private readonly config: ConfigType<typeof messagingConfig>,
    @Inject('MESSAGING_OWNS_CONNECTION') private readonly ownsConnection: boolean,
  ) {}

  async onModuleInit(): Promise<void> {
    const topics = ALL_TOPICS.flatMap((t) => [t, dlqTopic(t)]);
    await this.connection.ensureTopics(topics, this.config.topicPartitions);
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
    if (this.ownsConnection) await this.connection.close();
  }
}

/** The application's Kafka client, event publisher and topic provisioning (global). */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    return {
      module: MessagingModule,
      imports: [ConfigModule.forFeature(messagingConfig)],
      providers: [
        { provide: 'MESSAGING_OWNS_CONNECTION', useValue: options.connection === undefined },
        {
          provide: KafkaConnection,
          inject: [messagingConfig.KEY],
          useFactory: (config: ConfigType<typeof messagingConfig>) => options.connection ?? KafkaConnection.open(config),
        },
        { provide: KAFKA_CLIENT, inject: [KafkaConnection], useFactory: (c: KafkaConnection): Kafka => c.kafka },
        {
          provide: EventPublisher,
          inject: [KAFKA_CLIENT, messagingConfig.KEY],
          useFactory: (kafka: Kafka, config: ConfigType<typeof messagingConfig>) =>
            new EventPublisher(kafka, DEFAULT_MAX_IN_FLIGHT, DEFAULT_PIPELINE_BATCH, config.publishLingerMs),
        },
        { provide: DeliveryStats, useValue: new DeliveryStats() },
        { provide: ConsumerHealth, useValue: new ConsumerHealth() },
        MessagingLifecycle,
      ],
      exports: [KafkaConnection, KAFKA_CLIENT, EventPublisher, DeliveryStats, ConsumerHealth, ConfigModule],
    };
  }
}
