import type { Logger } from '../logger/logger';
import type { PartitionMetadata } from './metadata.types';

export type Assignment = { [topic: string]: number[] };
export type GroupMember = { memberId: string; memberMetadata: Buffer };
export type GroupMemberAssignment = { memberId: string; memberAssignment: Buffer };
export type GroupState = { name: string; metadata: Buffer };

/** The part of kafkajs's Cluster an assigner may use. */
export interface AssignerCluster {
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  getNodeIds(): number[];
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  isConnected(): boolean;
}

export interface Assigner {
  name: string;
  version: number;
  assign(group: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]>;
  protocol(subscription: { topics: string[] }): GroupState;
}

export type PartitionAssigner = (config: { cluster: AssignerCluster; groupId: string; logger: Logger }) => Assigner;

export interface ISerializer<T> {
  encode(value: T): Buffer;
  decode(buffer: Buffer): T | null;
}

export type MemberMetadata = { version: number; topics: string[]; userData: Buffer };
export type MemberAssignment = { version: number; assignment: Assignment; userData: Buffer };
