import { MemberAssignment, MemberMetadata, range, roundRobin } from '@peak/protocol';
import type { ISerializer, MemberAssignment as MemberAssignmentShape, MemberMetadata as MemberMetadataShape, PartitionAssigner } from '../types/assigner.types';

/** kafkajs's built-in assigners (from @peak/protocol's group module). */
export const PartitionAssigners: { roundRobin: PartitionAssigner; range: PartitionAssigner } = {
  roundRobin: roundRobin as PartitionAssigner,
  range: range as PartitionAssigner,
};

/** kafkajs's AssignerProtocol: ConsumerProtocol MemberMetadata / MemberAssignment codecs. */
export const AssignerProtocol: {
  MemberMetadata: ISerializer<MemberMetadataShape>;
  MemberAssignment: ISerializer<MemberAssignmentShape>;
} = {
  MemberMetadata,
  MemberAssignment,
};
