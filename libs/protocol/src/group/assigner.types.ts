/**
 * The partition assigner shape kafkajs uses (`PartitionAssigner` in kafkajs's types), reduced
 * to what our assigners need, so the same assigners plug into kafkajs and into our client.
 */

/** The only part of a client's cluster view an assigner reads. */
export interface AssignerCluster {
  /** Partitions of a topic as the client's metadata knows them; [] when unknown. */
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
}

/** Minimal logger; kafkajs passes its own logger, which has these methods. */
export interface AssignerLogger {
  debug(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
}

/** A member as the JoinGroup response lists it to the leader. */
export interface GroupMember {
  memberId: string;
  /** MemberMetadata bytes from the member's `protocol()`. */
  memberMetadata: Buffer;
}

export interface GroupMemberAssignment {
  memberId: string;
  /** MemberAssignment bytes, sent back to the member in SyncGroup. */
  memberAssignment: Buffer;
}

export interface GroupProtocolMetadata {
  name: string;
  metadata: Buffer;
}

export interface Assigner {
  name: string;
  version: number;
  /** Leader only: split the partitions of `topics` among `members`. */
  assign(group: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]>;
  /** The protocol entry this member offers in JoinGroup. */
  protocol(subscription: { topics: string[] }): GroupProtocolMetadata;
}

export type PartitionAssigner = (config: {
  cluster: AssignerCluster;
  groupId: string;
  logger?: AssignerLogger;
}) => Assigner;
