/** kafkajs's partition metadata, as partitioners and assigners see it. */
export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
}

export interface ITopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
}

export interface BrokerMetadata {
  brokers: Array<{ nodeId: number; host: string; port: number; rack?: string }>;
  topicMetadata: Array<{ topicErrorCode: number; topic: string; partitionMetadata: PartitionMetadata[] }>;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}
export type SeekEntry = PartitionOffset;

export interface TopicOffsets {
  topic: string;
  partitions: PartitionOffset[];
}

export interface Offsets {
  topics: TopicOffsets[];
}

export interface OffsetsByTopicPartition {
  topics: TopicOffsets[];
}

export type TopicPartitions = { topic: string; partitions: number[] };
export type TopicPartition = { topic: string; partition: number };
export type TopicPartitionOffset = TopicPartition & { offset: string };
export type TopicPartitionOffsetAndMetadata = TopicPartitionOffset & { metadata?: string | null };
