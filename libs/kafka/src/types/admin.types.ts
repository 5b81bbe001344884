import type { KafkaJSProtocolError } from '../errors';
import type { PartitionOffset } from './metadata.types';

export interface IResourceConfigEntry {
  name: string;
  value: string;
}

export interface ReplicaAssignment {
  partition: number;
  replicas: number[];
}

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  replicaAssignment?: ReplicaAssignment[];
  configEntries?: IResourceConfigEntry[];
}

export interface ITopicPartitionConfig {
  topic: string;
  count: number;
  assignments?: number[][];
}

export type FetchOffsetsPartition = PartitionOffset & { metadata: string | null };

export type GroupOverview = { groupId: string; protocolType: string };

export type DeleteGroupsResult = { groupId: string; errorCode?: number; error?: KafkaJSProtocolError };

export interface ClusterDescription {
  brokers: Array<{ nodeId: number; host: string; port: number }>;
  controller: number | null;
  clusterId: string;
}
