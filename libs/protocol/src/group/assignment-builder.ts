import { AssignerCluster, GroupMember, GroupMemberAssignment } from './assigner.types';
import { Assignment, MemberAssignment, MemberMetadata } from './consumer-protocol';

/** ConsumerProtocol version our assigners write. */
export const ASSIGNER_PROTOCOL_VERSION = 0;

/**
 * Topics each member subscribed to, read from its MemberMetadata. A member whose metadata
 * does not decode is treated as subscribed to every topic (kafkajs's own assigner ignores
 * subscriptions entirely, so this is the lenient choice).
 */
export function memberSubscriptions(members: GroupMember[], topics: string[]): Map<string, Set<string>> {
  const subscriptions = new Map<string, Set<string>>();
  for (const { memberId, memberMetadata } of members) {
    let subscribed: string[];
    try {
      subscribed = MemberMetadata.decode(memberMetadata).topics;
    } catch {
      subscribed = topics;
    }
    subscriptions.set(memberId, new Set(subscribed));
  }
  return subscriptions;
}

/** Partition ids of a topic, ascending and without duplicates. */
export function sortedPartitions(cluster: AssignerCluster, topic: string): number[] {
  const ids = new Set(cluster.findTopicPartitionMetadata(topic).map(p => p.partitionId));
  return [...ids].sort((a, b) => a - b);
}

/** Topics to assign: unique, in a fixed (sorted) order so every leader computes the same plan. */
export function sortedTopics(topics: string[]): string[] {
  return [...new Set(topics)].sort();
}

/** Member ids sorted the way Kafka's assignors order them (plain string order). */
export function sortedMemberIds(members: GroupMember[]): string[] {
  return members.map(m => m.memberId).sort();
}

/** Collects partitions per member and encodes one MemberAssignment for every member. */
export class AssignmentBuilder {
  private readonly byMember = new Map<string, Assignment>();

  constructor(memberIds: string[]) {
    for (const id of memberIds) this.byMember.set(id, Object.create(null) as Assignment);
  }

  add(memberId: string, topic: string, partition: number): void {
    const assignment = this.byMember.get(memberId);
    if (!assignment) throw new Error(`unknown member ${memberId}`);
    (assignment[topic] ??= []).push(partition);
  }

  /** Every member gets an entry; members with nothing get an empty assignment. */
  build(version = ASSIGNER_PROTOCOL_VERSION): GroupMemberAssignment[] {
    return [...this.byMember].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version, assignment }),
    }));
  }
}
