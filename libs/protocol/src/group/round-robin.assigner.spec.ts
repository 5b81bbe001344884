import { PartitionAssigners } from 'kafkajs';
import { allAssigned, clusterOf, countPerMember, decodePlan, membersSubscribedTo } from './assigner.test-support';
import { MemberMetadata } from './consumer-protocol';
import { roundRobin } from './round-robin.assigner';

describe('roundRobin', () => {
  const cluster = clusterOf({ a: 5, b: 3, c: 1 });
  const assigner = roundRobin({ cluster, groupId: 'g' });

  it('has kafkajs\'s name and version', () => {
    const theirs = PartitionAssigners.roundRobin({ cluster: cluster as never, groupId: 'g', logger: undefined as never });
    expect(assigner.name).toBe(theirs.name);
    expect(assigner.version).toBe(theirs.version);
  });

  it('offers the same protocol bytes as kafkajs', () => {
    const theirs = PartitionAssigners.roundRobin({ cluster: cluster as never, groupId: 'g', logger: undefined as never });
    expect(assigner.protocol({ topics: ['a', 'b'] })).toEqual(theirs.protocol({ topics: ['a', 'b'] }));
  });

  it('assigns every partition exactly once and balances within one', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m3', 'm1', 'm2'], ['a', 'b', 'c']), topics: ['a', 'b', 'c'] }));
    expect(allAssigned(plan).sort()).toEqual(['a:0', 'a:1', 'a:2', 'a:3', 'a:4', 'b:0', 'b:1', 'b:2', 'c:0']);
    const counts = countPerMember(plan);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('deals partitions in member id order', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m2', 'm1'], ['a']), topics: ['a'] }));
    expect(plan).toEqual({ m1: { a: [0, 2, 4] }, m2: { a: [1, 3] } });
  });

  it('is deterministic whatever order members and topics arrive in', async () => {
    const one = await assigner.assign({ members: membersSubscribedTo(['x', 'y', 'z'], ['a', 'b']), topics: ['a', 'b'] });
    const two = await assigner.assign({ members: membersSubscribedTo(['z', 'x', 'y'], ['a', 'b']), topics: ['b', 'a'] });
    expect(decodePlan(two)).toEqual(decodePlan(one));
  });

  it('gives members beyond the partition count an empty assignment', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m1', 'm2'], ['c']), topics: ['c'] }));
    expect(plan).toEqual({ m1: { c: [0] }, m2: {} });
  });

  it('only gives a member topics it subscribed to', async () => {
    const members = [
      { memberId: 'm1', memberMetadata: MemberMetadata.encode({ version: 0, topics: ['a'] }) },
      { memberId: 'm2', memberMetadata: MemberMetadata.encode({ version: 0, topics: ['a', 'b'] }) },
    ];
    const plan = decodePlan(await assigner.assign({ members, topics: ['a', 'b'] }));
    expect(plan.m1.b).toBeUndefined();
    expect(plan.m2.b).toEqual([0, 1, 2]);
    expect(allAssigned(plan)).toHaveLength(8);
  });
});
