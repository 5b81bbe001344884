import { ErrorCode, JoinGroupResponse } from '@peak/protocol';
import { CoordinatorClosedError } from './coordinator.errors';
import { joinRequest, stableGroupOfOne, track } from './coordinator.test-support';
import { GroupCoordinator } from './group-coordinator';

/** Rebalance protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, sessions (fake timers). */
describe(GroupCoordinator.name, () => {
  let coordinator: GroupCoordinator;
  const flush = () => jest.advanceTimersByTimeAsync(0);
  const state = async (groupId = 'g') => (await coordinator.describeGroups({ groupIds: [groupId] })).groups[0].state;
  const heartbeat = (member: JoinGroupResponse, generationId = member.generationId) =>
    coordinator.heartbeat({ groupId: 'g', generationId, memberId: member.memberId, groupInstanceId: null });
  const sync = (member: JoinGroupResponse, assignments: Array<{ memberId: string; assignment: Buffer }> = []) =>
    coordinator.syncGroup({ groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null, assignments });
  const rejoin = (member: JoinGroupResponse, clientId = 'c') => coordinator.joinGroup(joinRequest({ memberId: member.memberId, clientId }));

  async function open(initialRebalanceDelayMs = 0): Promise<GroupCoordinator> {
    coordinator = await GroupCoordinator.open({ initialRebalanceDelayMs, partitionExists: () => true });
    return coordinator;
  }

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(async () => {
    await coordinator.close();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  describe('a single member', () => {
    beforeEach(() => open());

    it('walks Empty → PreparingRebalance → CompletingRebalance → Stable and becomes leader', async () => {
      const joined = await coordinator.joinGroup(joinRequest({ clientId: 'app' }));
      expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'RoundRobinAssigner' });
      expect(joined.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
      expect(joined.leader).toBe(joined.memberId);
      expect(joined.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, metadata: Buffer.from('meta-app') }]);
      expect(await state()).toBe('CompletingRebalance');

      const synced = await sync(joined, [{ memberId: joined.memberId, assignment: Buffer.from('a') }]);
      expect(synced).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('a') });
      expect(await state()).toBe('Stable');
      expect((await heartbeat(joined)).errorCode).toBe(ErrorCode.NONE);
    });

    it('answers a repeated SyncGroup in Stable with the same assignment', async () => {
      const joined = await stableGroupOfOne(coordinator);
      expect((await sync(joined)).assignment).toEqual(Buffer.from('all'));
    });

    it('returns the current generation to a member retrying JoinGroup while CompletingRebalance', async () => {
      const joined = await coordinator.joinGroup(joinRequest());
      const again = await rejoin(joined);
      expect(again).toEqual(joined);
      expect(await state()).toBe('CompletingRebalance');
    });

    it('rejects bad session timeouts, empty group ids and members it does not know', async () => {
      expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 99 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      expect((await coordinator.joinGroup(joinRequest({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
      expect((await coordinator.joinGroup(joinRequest({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await coordinator.listGroups()).groups).toEqual([]);
    });
  });

  describe('protocols', () => {
    beforeEach(() => open());

    it('rejects a member with another protocol type or no protocol in common', async () => {
      await stableGroupOfOne(coordinator);
      const otherType = await coordinator.joinGroup(joinRequest({ protocolType: 'connect' }));
      expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      const noCommon = await coordinator.joinGroup(joinRequest({ protocols: [{ name: 'RangeAssigner', metadata: Buffer.alloc(0) }] }));
      expect(noCommon.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      expect((await coordinator.joinGroup(joinRequest({ groupId: 'h', protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    });

    it('picks the protocol all members support, in the leader\'s preference order', async () => {
      const both = [
        { name: 'RangeAssigner', metadata: Buffer.from('r') },
        { name: 'RoundRobinAssigner', metadata: Buffer.from('rr') },
      ];
      const leader = await coordinator.joinGroup(joinRequest({ protocols: both }));
      expect(leader.protocolName).toBe('RangeAssigner');
      await sync(leader);

      const follower = track(coordinator.joinGroup(joinRequest({ protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from('f-rr') }] })));
      const leaderAgain = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId, protocols: both }));
      await flush();
      expect(leaderAgain.protocolName).toBe('RoundRobinAssigner');
      expect(follower.value?.protocolName).toBe('RoundRobinAssigner');
      // The leader sees each member's metadata for the chosen protocol.
      expect(leaderAgain.members.map(m => m.metadata)).toEqual([Buffer.from('rr'), Buffer.from('f-rr')]);
    });
  });

  describe('two members', () => {
    it('hold their joins for the initial rebalance delay and get one generation', async () => {
      await open(100);
      const a = track(coordinator.joinGroup(joinRequest({ clientId: 'a' })));
      await jest.advanceTimersByTimeAsync(50);
      const b = track(coordinator.joinGroup(joinRequest({ clientId: 'b' })));
      await jest.advanceTimersByTimeAsync(60);
      expect(a.settled).toBe(false); // b arrived during the delay, so it was extended
      await jest.advanceTimersByTimeAsync(100);
      expect(a.value?.generationId).toBe(1);
      expect(b.value?.generationId).toBe(1);
      const [leader, follower] = a.value!.leader === a.value!.memberId ? [a.value!, b.value!] : [b.value!, a.value!];
      expect(follower.leader).toBe(leader.memberId);
      expect(leader.members.map(m => m.metadata.toString()).sort()).toEqual(['meta-a', 'meta-b']);
      expect(follower.members).toEqual([]);
    });

    it('hold the follower\'s SyncGroup until the leader sends assignments', async () => {
      await open();
      const leader = await coordinator.joinGroup(joinRequest({ clientId: 'a' }));
      await sync(leader);
      const joinB = track(coordinator.joinGroup(joinRequest({ clientId: 'b' })));
      await flush();
      expect(joinB.settled).toBe(false); // waits for the leader to rejoin

      expect((await heartbeat(leader)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      const leader2 = await rejoin(leader, 'a');
      await flush();
      const follower2 = joinB.value!;
      expect(leader2.generationId).toBe(2);
      expect(follower2.generationId).toBe(2);
      expect(leader2.members).toHaveLength(2);

      const followerSync = track(sync(follower2));
      await flush();
      expect(followerSync.settled).toBe(false);
      expect(await state()).toBe('CompletingRebalance');
      const leaderSync = await sync(leader2, [
        { memberId: leader2.memberId, assignment: Buffer.from('for-a') },
        { memberId: follower2.memberId, assignment: Buffer.from('for-b') },
      ]);
      await flush();
      expect(leaderSync.assignment).toEqual(Buffer.from('for-a'));
      expect(followerSync.value).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('for-b') });
      expect(await state()).toBe('Stable');
    });
  });

  describe('rebalancing', () => {
    let a: JoinGroupResponse;
    let b: JoinGroupResponse;

    /** a (leader) and b, Stable in generation 2. */
    async function twoStable(): Promise<void> {
      const leader = await coordinator.joinGroup(joinRequest({ clientId: 'a' }));
      await sync(leader);
      const joinB = coordinator.joinGroup(joinRequest({ clientId: 'b' }));
      a = await rejoin(leader, 'a');
      b = await joinB;
      const syncB = sync(b);
      await sync(a, [{ memberId: b.memberId, assignment: Buffer.from('b-part') }]);
      expect((await syncB).assignment).toEqual(Buffer.from('b-part'));
    }

    beforeEach(async () => {
      await open();
      await twoStable();
    });

    it('a third member makes the others see REBALANCE_IN_PROGRESS and all rejoin into a new generation', async () => {
      const c = track(coordinator.joinGroup(joinRequest({ clientId: 'c3' })));
      await flush();
      expect(await state()).toBe('PreparingRebalance');
      expect((await heartbeat(a)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect((await heartbeat(b)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect((await sync(a)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

      const a3 = track(rejoin(a, 'a'));
      const b3 = track(rejoin(b, 'b'));
      await flush();
      expect([a3.value?.generationId, b3.value?.generationId, c.value?.generationId]).toEqual([3, 3, 3]);
      expect(a3.value?.members).toHaveLength(3);
      expect((await heartbeat(a, 2)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    });

    it('removes a member that does not rejoin within the rebalance timeout', async () => {
      const c = track(coordinator.joinGroup(joinRequest({ clientId: 'c3' })));
      const a3 = track(rejoin(a, 'a'));
      // b keeps heartbeating (so its session lives) but never rejoins.
      for (let t = 0; t < 3000; t += 500) {
        await jest.advanceTimersByTimeAsync(500);
        if (!a3.settled) expect((await heartbeat(b)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      }
      expect(a3.value?.generationId).toBe(3);
      expect(a3.value?.members.map(m => m.memberId).sort()).toEqual([a.memberId, c.value!.memberId].sort());
      expect((await heartbeat(b)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it('expels a silent member after its session timeout; the survivor\'s rejoin gets a new generation', async () => {
      // Only a heartbeats; b (session 1000 ms) goes silent.
      let sawRebalance = false;
      for (let t = 0; t < 1500 && !sawRebalance; t += 300) {
        await jest.advanceTimersByTimeAsync(300);
        sawRebalance = (await heartbeat(a)).errorCode === ErrorCode.REBALANCE_IN_PROGRESS;
      }
      expect(sawRebalance).toBe(true);
      const members = (await coordinator.describeGroups({ groupIds: ['g'] })).groups[0].members;
      expect(members.map(m => m.memberId)).toEqual([a.memberId]);
      expect((await heartbeat(b)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

      const a3 = await rejoin(a, 'a');
      expect(a3.generationId).toBe(3);
      expect(a3.members.map(m => m.memberId)).toEqual([a.memberId]);
    });

    it('settles a follower\'s SyncGroup when the leader dies without syncing', async () => {
      const c = track(coordinator.joinGroup(joinRequest({ clientId: 'c3' })));
      const a3 = track(rejoin(a, 'a'));
      const b3 = track(rejoin(b, 'b'));
      await flush();
      const followerSync = track(sync(b3.value!));
      const otherSync = track(sync(c.value!));
      await jest.advanceTimersByTimeAsync(1100); // leader a never syncs; its session ends
      expect(a3.value?.leader).toBe(a.memberId);
      expect(followerSync.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(otherSync.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(await state()).toBe('PreparingRebalance');
    });

    it('a leaving follower starts a rebalance; the leader rejoins alone', async () => {
      const left = await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: b.memberId, groupInstanceId: null }] });
      expect(left).toEqual({ errorCode: ErrorCode.NONE, members: [{ memberId: b.memberId, errorCode: ErrorCode.NONE }] });
      expect((await heartbeat(a)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      const a3 = await rejoin(a, 'a');
      expect(a3.generationId).toBe(3);
      expect(a3.members).toHaveLength(1);
    });

    it('a leaving leader hands leadership to a remaining member', async () => {
      await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
      const b3 = await rejoin(b, 'b');
      expect(b3.leader).toBe(b.memberId);
      expect(b3.members).toHaveLength(1);
    });

    it('answers UNKNOWN_MEMBER_ID to the held join of a member that leaves', async () => {
      const c = track(coordinator.joinGroup(joinRequest({ clientId: 'c3' })));
      const a3 = track(rejoin(a, 'a'));
      await coordinator.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
      await flush();
      expect(a3.value?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.settled).toBe(false); // still waiting for b
    });

    it('empties the group when every member leaves, keeping the generation count', async () => {
      const left = await coordinator.leaveGroup({
        groupId: 'g',
        members: [
          { memberId: a.memberId, groupInstanceId: null },
          { memberId: b.memberId, groupInstanceId: null },
          { memberId: 'ghost', groupInstanceId: null },
        ],
      });
      expect(left.members.map(m => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
      expect(await state()).toBe('Empty');
      const again = await coordinator.joinGroup(joinRequest());
      expect(again.generationId).toBe(4);
    });

    it('rejects SyncGroup and Heartbeat from unknown members and stale generations', async () => {
      const ghost = { ...a, memberId: 'ghost' };
      expect((await sync(ghost)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await sync({ ...a, generationId: 1 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect((await heartbeat(ghost)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await heartbeat(a, 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect((await coordinator.heartbeat({ groupId: 'nope', generationId: 1, memberId: a.memberId, groupInstanceId: null })).errorCode).toBe(
        ErrorCode.UNKNOWN_MEMBER_ID,
      );
    });
  });

  describe('MEMBER_ID_REQUIRED (JoinGroup v4+)', () => {
    beforeEach(() => open());

    it('hands out an id first and accepts the rejoin with it', async () => {
      const first = await coordinator.joinGroup(joinRequest({ clientId: 'kafkajs', requireKnownMemberId: true }));
      expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      expect(first.memberId).toMatch(/^kafkajs-/);
      const second = await coordinator.joinGroup(joinRequest({ clientId: 'kafkajs', memberId: first.memberId, requireKnownMemberId: true }));
      expect(second).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, leader: first.memberId, generationId: 1 });
    });

    it('forgets an id that is not used within the session timeout', async () => {
      const first = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));
      await jest.advanceTimersByTimeAsync(1001);
      const late = await coordinator.joinGroup(joinRequest({ memberId: first.memberId, requireKnownMemberId: true }));
      expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it('waits for an outstanding id during a rebalance, then completes once it joins', async () => {
      const a = await stableGroupOfOne(coordinator);
      const idForB = await coordinator.joinGroup(joinRequest({ clientId: 'b', requireKnownMemberId: true }));
      const c = track(coordinator.joinGroup(joinRequest({ clientId: 'c3' })));
      const a2 = track(rejoin(a));
      await flush();
      expect(a2.settled).toBe(false);
      const b = await coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: idForB.memberId }));
      await flush();
      expect(b.generationId).toBe(2);
      expect(a2.value?.members).toHaveLength(3);
      expect(c.value?.generationId).toBe(2);
    });
  });

  describe('close', () => {
    it('settles held joins and syncs, stops every timer and refuses later calls', async () => {
      await open(1000);
      const held = track(coordinator.joinGroup(joinRequest()));
      await flush();
      expect(held.settled).toBe(false);

      const other = await GroupCoordinator.open({ partitionExists: () => true });
      const leader = await other.joinGroup(joinRequest({ groupId: 'x' }));
      const joinB = other.joinGroup(joinRequest({ groupId: 'x', clientId: 'b' }));
      const leader2 = await other.joinGroup(joinRequest({ groupId: 'x', memberId: leader.memberId }));
      const followerSync = track(other.syncGroup({ groupId: 'x', generationId: leader2.generationId, memberId: (await joinB).memberId, groupInstanceId: null, assignments: [] }));
      await other.close();
      await coordinator.close();
      await flush();

      expect(held.value?.errorCode).toBe(ErrorCode.NOT_COORDINATOR_FOR_GROUP);
      expect(followerSync.value?.errorCode).toBe(ErrorCode.NOT_COORDINATOR_FOR_GROUP);
      expect(jest.getTimerCount()).toBe(0);
      await expect(coordinator.joinGroup(joinRequest())).rejects.toBeInstanceOf(CoordinatorClosedError);
    });
  });
});
