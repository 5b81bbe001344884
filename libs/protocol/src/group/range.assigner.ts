import { Assigner, PartitionAssigner } from './assigner.types';
import {
  ASSIGNER_PROTOCOL_VERSION,
  AssignmentBuilder,
  memberSubscriptions,
  sortedMemberIds,
  sortedPartitions,
  sortedTopics,
} from './assignment-builder';
import { MemberMetadata } from './consumer-protocol';

/**
 * Kafka's RangeAssignor: topic by topic, the members subscribed to the topic (sorted by id)
 * each get one contiguous range of its partitions; with P partitions and C members every
 * member gets floor(P / C) and the first P % C members one more. Co-partitioned topics
 * therefore land on the same member (partition i of every topic goes to the same consumer).
 */
export const range: PartitionAssigner = ({ cluster }) => {
  const assigner: Assigner = {
    name: 'RangeAssigner',
    version: ASSIGNER_PROTOCOL_VERSION,

    async assign({ members, topics }) {
      const memberIds = sortedMemberIds(members);
      const subscriptions = memberSubscriptions(members, topics);
      const builder = new AssignmentBuilder(memberIds);
      for (const topic of sortedTopics(topics)) {
        const subscribers = memberIds.filter(id => subscriptions.get(id)?.has(topic));
        if (subscribers.length === 0) continue;
        const partitions = sortedPartitions(cluster, topic);
        const perMember = Math.floor(partitions.length / subscribers.length);
        const withExtra = partitions.length % subscribers.length;
        subscribers.forEach((memberId, i) => {
          const start = perMember * i + Math.min(i, withExtra);
          const count = perMember + (i < withExtra ? 1 : 0);
          for (const partition of partitions.slice(start, start + count)) builder.add(memberId, topic, partition);
        });
      }
      return builder.build(assigner.version);
    },

    protocol({ topics }) {
      return { name: assigner.name, metadata: MemberMetadata.encode({ version: assigner.version, topics }) };
    },
  };
  return assigner;
};
