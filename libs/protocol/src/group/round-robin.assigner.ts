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
 * Kafka's RoundRobinAssignor under kafkajs's name: all partitions of all topics, ordered by
 * topic then partition, dealt in turn to the members sorted by id, skipping members that did
 * not subscribe to the partition's topic. With equal subscriptions every member ends up with
 * the same number of partitions, give or take one. Deterministic: the same members and
 * metadata always give the same plan.
 */
export const roundRobin: PartitionAssigner = ({ cluster }) => {
  const assigner: Assigner = {
    name: 'RoundRobinAssigner',
    version: ASSIGNER_PROTOCOL_VERSION,

    async assign({ members, topics }) {
      const memberIds = sortedMemberIds(members);
      const subscriptions = memberSubscriptions(members, topics);
      const builder = new AssignmentBuilder(memberIds);
      let next = 0;
      for (const topic of sortedTopics(topics)) {
        const subscribers = memberIds.filter(id => subscriptions.get(id)?.has(topic));
        if (subscribers.length === 0) continue;
        for (const partition of sortedPartitions(cluster, topic)) {
          // Walk the circle from where the last partition went to the next subscriber.
          for (let step = 0; step < memberIds.length; step++) {
            const candidate = memberIds[(next + step) % memberIds.length];
            if (subscriptions.get(candidate)?.has(topic)) {
              builder.add(candidate, topic, partition);
              next = (next + step + 1) % memberIds.length;
              break;
            }
          }
        }
      }
      return builder.build(assigner.version);
    },

    protocol({ topics }) {
      return { name: assigner.name, metadata: MemberMetadata.encode({ version: assigner.version, topics }) };
    },
  };
  return assigner;
};
