import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorCode, OffsetCommitRequest } from '@peak/protocol';
import { joinRequest, stableGroupOfOne } from './coordinator.test-support';
import { GroupCoordinator, OFFSET_METADATA_TOO_LARGE } from './group-coordinator';
import { OFFSETS_FILE_NAME } from './offsets/disk-offset-store';

/** Offsets (commit, fetch, durability) and group administration (describe, list, delete). */
describe(`${GroupCoordinator.name} offsets and administration`, () => {
  const partitionExists = (topic: string, partition: number) => topic !== 'missing' && partition < 4;
  let dir: string;
  let coordinator: GroupCoordinator;

  /** null = memory only. */
  const openCoordinator = async (dataDir: string | null = dir) => {
    coordinator = await GroupCoordinator.open({ dataDir: dataDir ?? undefined, partitionExists });
    return coordinator;
  };
  const commit = (overrides: Partial<OffsetCommitRequest> & Pick<OffsetCommitRequest, 'topics'>) =>
    coordinator.offsetCommit({ groupId: 'g', generationId: -1, memberId: '', ...overrides });
  const one = (topic: string, partition: number, offset: number, metadata: string | null = null) => [
    { topic, partitions: [{ partition, offset, metadata }] },
  ];
  const codes = (response: { topics: Array<{ partitions: Array<{ errorCode: number }> }> }) =>
    response.topics.flatMap(t => t.partitions.map(p => p.errorCode));
  const fetchOffset = async (topic: string, partition: number, groupId = 'g') =>
    (await coordinator.offsetFetch({ groupId, topics: [{ topic, partitions: [partition] }] })).topics[0].partitions[0].offset;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coordinator-'));
    await openCoordinator();
  });

  afterEach(async () => {
    await coordinator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('OffsetCommit and OffsetFetch', () => {
    it('commits outside group management, creating an Empty group', async () => {
      expect(codes(await commit({ topics: one('t', 0, 42, 'note') }))).toEqual([ErrorCode.NONE]);
      const fetched = await coordinator.offsetFetch({ groupId: 'g', topics: [{ topic: 't', partitions: [0, 1] }] });
      expect(fetched).toEqual({
        errorCode: ErrorCode.NONE,
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 0, offset: 42, metadata: 'note', errorCode: ErrorCode.NONE },
              { partition: 1, offset: -1, metadata: '', errorCode: ErrorCode.NONE },
            ],
          },
        ],
      });
      expect((await coordinator.listGroups()).groups).toEqual([{ groupId: 'g', protocolType: '', state: 'Empty' }]);
    });

    it('returns every committed offset when topics is null, and -1 for unknown groups', async () => {
      await commit({ topics: [{ topic: 'a', partitions: [{ partition: 1, offset: 5, metadata: null }, { partition: 0, offset: 3, metadata: null }] }] });
      await commit({ topics: one('b', 2, 9) });
      const all = await coordinator.offsetFetch({ groupId: 'g', topics: null });
      expect(all.topics.map(t => [t.topic, t.partitions.map(p => [p.partition, p.offset])])).toEqual([
        ['a', [[0, 3], [1, 5]]],
        ['b', [[2, 9]]],
      ]);
      expect(await fetchOffset('a', 0, 'other')).toBe(-1);
      expect((await coordinator.offsetFetch({ groupId: 'other', topics: null })).topics).toEqual([]);
    });

    it('answers per partition: UNKNOWN_TOPIC_OR_PARTITION and OFFSET_METADATA_TOO_LARGE, others commit', async () => {
      const response = await commit({
        topics: [
          { topic: 't', partitions: [{ partition: 0, offset: 1, metadata: null }, { partition: 9, offset: 1, metadata: null }] },
          { topic: 'missing', partitions: [{ partition: 0, offset: 1, metadata: null }] },
          { topic: 't', partitions: [{ partition: 1, offset: 1, metadata: 'x'.repeat(4097) }] },
        ],
      });
      expect(codes(response)).toEqual([
        ErrorCode.NONE,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        OFFSET_METADATA_TOO_LARGE,
      ]);
      expect(await fetchOffset('t', 0)).toBe(1);
      expect(await fetchOffset('t', 1)).toBe(-1);
    });

    it('rejects an empty group id', async () => {
      expect(codes(await commit({ groupId: '', topics: one('t', 0, 1) }))).toEqual([ErrorCode.INVALID_GROUP_ID]);
      expect((await coordinator.offsetFetch({ groupId: '', topics: null })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    });

    it('accepts commits from the current generation\'s members only', async () => {
      const member = await stableGroupOfOne(coordinator, { sessionTimeoutMs: 10_000 });
      const asMember = { generationId: member.generationId, memberId: member.memberId };
      expect(codes(await commit({ ...asMember, topics: one('t', 0, 10) }))).toEqual([ErrorCode.NONE]);
      expect(codes(await commit({ topics: one('t', 0, 11) }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
      expect(codes(await commit({ generationId: member.generationId, memberId: 'ghost', topics: one('t', 0, 12) }))).toEqual([
        ErrorCode.UNKNOWN_MEMBER_ID,
      ]);
      expect(codes(await commit({ groupId: 'nobody', generationId: 3, memberId: 'x', topics: one('t', 0, 1) }))).toEqual([
        ErrorCode.ILLEGAL_GENERATION,
      ]);
      expect(await fetchOffset('t', 0)).toBe(10);
    });

    it('rejects a stale generation\'s commit and allows the current one during PreparingRebalance', async () => {
      const a1 = await stableGroupOfOne(coordinator, { sessionTimeoutMs: 10_000, clientId: 'a' });
      // b joins: rebalance to generation 2 with both.
      const joinB = coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 10_000, clientId: 'b' }));
      // Still generation 1 while PreparingRebalance: a may commit what it processed.
      expect(codes(await commit({ generationId: 1, memberId: a1.memberId, topics: one('t', 0, 5) }))).toEqual([ErrorCode.NONE]);
      const a2 = await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 10_000, clientId: 'a', memberId: a1.memberId }));
      const b2 = await joinB;
      expect(a2.generationId).toBe(2);

      // CompletingRebalance: nobody commits until assignments are out.
      expect(codes(await commit({ generationId: 2, memberId: b2.memberId, topics: one('t', 0, 6) }))).toEqual([
        ErrorCode.REBALANCE_IN_PROGRESS,
      ]);
      const syncB = coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: b2.memberId, groupInstanceId: null, assignments: [] });
      await coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: a2.memberId, groupInstanceId: null, assignments: [] });
      await syncB;

      expect(codes(await commit({ generationId: 1, memberId: a1.memberId, topics: one('t', 0, 7) }))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
      expect(await fetchOffset('t', 0)).toBe(5);
      expect(codes(await commit({ generationId: 2, memberId: b2.memberId, topics: one('t', 0, 8) }))).toEqual([ErrorCode.NONE]);
      expect(await fetchOffset('t', 0)).toBe(8);
    });

    it('keeps offsets across close and open with a data dir, groups reappearing Empty', async () => {
      await commit({ topics: one('t', 0, 100) });
      await commit({ groupId: 'h', topics: one('t', 3, 7) });
      await coordinator.close();

      await openCoordinator();
      expect(await fetchOffset('t', 0)).toBe(100);
      expect(await fetchOffset('t', 3, 'h')).toBe(7);
      const listed = (await coordinator.listGroups()).groups.map(g => `${g.groupId}:${g.state}`).sort();
      expect(listed).toEqual(['g:Empty', 'h:Empty']);
    });

    it('ignores a torn tail of the offsets file after a crash', async () => {
      await commit({ topics: one('t', 0, 1) });
      await coordinator.close();
      fs.appendFileSync(path.join(dir, OFFSETS_FILE_NAME), Buffer.from([0, 0, 0, 60, 1, 2, 3]));

      await openCoordinator();
      expect(await fetchOffset('t', 0)).toBe(1);
      await commit({ topics: one('t', 0, 2) });
      await coordinator.close();
      await openCoordinator();
      expect(await fetchOffset('t', 0)).toBe(2);
    });

    it('keeps offsets in memory only without a data dir', async () => {
      await coordinator.close();
      await openCoordinator(null);
      await commit({ topics: one('t', 0, 1) });
      expect(await fetchOffset('t', 0)).toBe(1);
      await coordinator.close();
      await openCoordinator(null);
      expect(await fetchOffset('t', 0)).toBe(-1);
    });

    it('drops offsets of a deleted topic, durably', async () => {
      await commit({ topics: [{ topic: 'gone', partitions: [{ partition: 0, offset: 1, metadata: null }] }, ...one('t', 0, 2)] });
      await coordinator.onTopicDeleted('gone');
      expect(await fetchOffset('gone', 0)).toBe(-1);
      await coordinator.close();
      await openCoordinator();
      expect(await fetchOffset('gone', 0)).toBe(-1);
      expect(await fetchOffset('t', 0)).toBe(2);
    });
  });

  describe('describeGroups, listGroups, deleteGroups', () => {
    it('describes a Stable group with its members, and unknown groups as Dead', async () => {
      const member = await stableGroupOfOne(coordinator, { sessionTimeoutMs: 10_000, clientId: 'app', clientHost: '/10.0.0.1' });
      const { groups } = await coordinator.describeGroups({ groupIds: ['g', 'nope'] });
      expect(groups[0]).toEqual({
        errorCode: ErrorCode.NONE,
        groupId: 'g',
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'RoundRobinAssigner',
        members: [
          {
            memberId: member.memberId,
            groupInstanceId: null,
            clientId: 'app',
            clientHost: '/10.0.0.1',
            memberMetadata: Buffer.from('meta-app'),
            memberAssignment: Buffer.from('all'),
          },
        ],
      });
      expect(groups[1]).toEqual({ errorCode: ErrorCode.NONE, groupId: 'nope', state: 'Dead', protocolType: '', protocol: '', members: [] });
      expect((await coordinator.listGroups()).groups).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
    });

    it('deletes only Empty groups, with their offsets, durably', async () => {
      const member = await stableGroupOfOne(coordinator, { sessionTimeoutMs: 10_000 });
      await commit({ groupId: 'idle', topics: one('t', 0, 5) });
      const result = await coordinator.deleteGroups({ groupIds: ['g', 'idle', 'unknown', ''] });
      expect(result.results).toEqual([
        { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
        { groupId: 'idle', errorCode: ErrorCode.NONE },
        { groupId: 'unknown', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
        { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID },
      ]);
      expect(await fetchOffset('t', 0, 'idle')).toBe(-1);
      expect((await coordinator.listGroups()).groups.map(g => g.groupId)).toEqual(['g']);

      await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: member.memberId, groupInstanceId: null }] });
      expect((await coordinator.deleteGroups({ groupIds: ['g'] })).results[0].errorCode).toBe(ErrorCode.NONE);
      await coordinator.close();
      await openCoordinator();
      expect((await coordinator.listGroups()).groups).toEqual([]);
      expect(await fetchOffset('t', 0, 'idle')).toBe(-1);
    });
  });
});
