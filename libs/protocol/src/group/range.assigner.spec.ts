import { allAssigned, clusterOf, countPerMember, decodePlan, membersSubscribedTo } from './assigner.test-support';
import { MemberMetadata } from './consumer-protocol';
import { range } from './range.assigner';

describe('range', () => {
  const cluster = clusterOf({ a: 7, b: 2, c: 6 });
  const assigner = range({ cluster, groupId: 'g' });

  it('is named like kafkajs\'s RangeAssigner', () => {
    expect(assigner.name).toBe('RangeAssigner');
    expect(assigner.version).toBe(0);
  });

  it('gives contiguous ranges, the first P % C members one extra (Kafka RangeAssignor)', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m3', 'm2', 'm1'], ['a']), topics: ['a'] }));
    expect(plan).toEqual({ m1: { a: [0, 1, 2] }, m2: { a: [3, 4] }, m3: { a: [5, 6] } });
  });

  it('puts the same partition numbers of co-partitioned topics on the same member', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m1', 'm2', 'm3'], ['c', 'a']), topics: ['c', 'a'] }));
    expect(plan.m1).toEqual({ a: [0, 1, 2], c: [0, 1] });
    expect(plan.m3).toEqual({ a: [5, 6], c: [4, 5] });
  });

  it('assigns every partition exactly once, balanced per topic', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m1', 'm2'], ['c']), topics: ['c'] }));
    expect(allAssigned(plan).sort()).toEqual(['c:0', 'c:1', 'c:2', 'c:3', 'c:4', 'c:5']);
    expect(countPerMember(plan)).toEqual([3, 3]);
  });

  it('leaves members beyond the partition count empty', async () => {
    const plan = decodePlan(await assigner.assign({ members: membersSubscribedTo(['m1', 'm2', 'm3'], ['b']), topics: ['b'] }));
    expect(plan).toEqual({ m1: { b: [0] }, m2: { b: [1] }, m3: {} });
  });

  it('is deterministic', async () => {
    const one = await assigner.assign({ members: membersSubscribedTo(['x', 'y'], ['a', 'b']), topics: ['a', 'b'] });
    const two = await assigner.assign({ members: membersSubscribedTo(['y', 'x'], ['a', 'b']), topics: ['b', 'a'] });
    expect(decodePlan(two)).toEqual(decodePlan(one));
  });

  it('splits a topic only among its subscribers', async () => {
    const members = [
      { memberId: 'm1', memberMetadata: MemberMetadata.encode({ version: 0, topics: ['a', 'b'] }) },
      { memberId: 'm2', memberMetadata: MemberMetadata.encode({ version: 0, topics: ['a'] }) },
    ];
    const plan = decodePlan(await assigner.assign({ members, topics: ['a', 'b'] }));
    expect(plan).toEqual({ m1: { a: [0, 1, 2, 3], b: [0, 1] }, m2: { a: [4, 5, 6] } });
  });
});
