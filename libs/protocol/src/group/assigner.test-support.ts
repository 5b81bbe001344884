import { AssignerCluster, GroupMemberAssignment } from './assigner.types';
import { MemberAssignment, MemberMetadata } from './consumer-protocol';

/** Test helpers shared by the assigner specs (not exported from the library). */
export function clusterOf(partitionsPerTopic: Record<string, number>): AssignerCluster {
  return {
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: partitionsPerTopic[topic] ?? 0 }, (_, partitionId) => ({ partitionId })),
  };
}

export function membersSubscribedTo(ids: string[], topics: string[]): Array<{ memberId: string; memberMetadata: Buffer }> {
  return ids.map(memberId => ({ memberId, memberMetadata: MemberMetadata.encode({ version: 0, topics }) }));
}

/** Decoded plan: member id → topic → sorted partitions. */
export function decodePlan(result: GroupMemberAssignment[]): Record<string, Record<string, number[]>> {
  const plan: Record<string, Record<string, number[]>> = {};
  for (const { memberId, memberAssignment } of result) {
    const decoded = MemberAssignment.decode(memberAssignment);
    plan[memberId] = { ...(decoded?.assignment ?? {}) };
  }
  return plan;
}

/** Every "topic:partition" assigned, with duplicates kept. */
export function allAssigned(plan: Record<string, Record<string, number[]>>): string[] {
  return Object.values(plan).flatMap(byTopic =>
    Object.entries(byTopic).flatMap(([topic, partitions]) => partitions.map(p => `${topic}:${p}`)),
  );
}

export function countPerMember(plan: Record<string, Record<string, number[]>>): number[] {
  return Object.values(plan).map(byTopic => Object.values(byTopic).reduce((n, ps) => n + ps.length, 0));
}
