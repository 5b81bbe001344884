import type { DescribedGroup } from '@peak/protocol';
import type { GroupDescription } from '../types/consumer.types';

/** Maps a DescribeGroups entry to kafkajs's GroupDescription. */
export function toGroupDescription(g: DescribedGroup | undefined): GroupDescription {
  if (!g) return { groupId: '', members: [], protocol: '', protocolType: '', state: 'Unknown' };
  return {
    groupId: g.groupId,
    protocol: g.protocol,
    protocolType: g.protocolType,
    state: g.state,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: m.memberMetadata,
      memberAssignment: m.memberAssignment,
    })),
  };
}
