import { ErrorCode, JoinGroupResponse } from '@peak/protocol';
import { joinRequest, track } from './coordinator.test-support';
import { GroupCoordinator } from './group-coordinator';

/** A member parked in SyncGroup is not held forever by a leader that stays alive but never syncs. */
describe(`${GroupCoordinator.name} SyncGroup deadline`, () => {
  let coordinator: GroupCoordinator;
  const heartbeat = (member: JoinGroupResponse) =>
    coordinator.heartbeat({ groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
  const sync = (member: JoinGroupResponse) =>
    coordinator.syncGroup({ groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null, assignments: [] });

  beforeEach(async () => {
    jest.useFakeTimers();
    // Both members join within the initial delay, so they share generation 1.
    coordinator = await GroupCoordinator.open({ initialRebalanceDelayMs: 100, partitionExists: () => true });
  });
  afterEach(async () => {
    await coordinator.close();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('answers the parked follower REBALANCE_IN_PROGRESS and removes the leader once the rebalance timeout passes without its SyncGroup', async () => {
    // Sessions of 10 s outlive the rebalance timeout of 3 s: only the sync deadline can end the wait.
    const a = track(coordinator.joinGroup(joinRequest({ clientId: 'a', sessionTimeoutMs: 10_000 })));
    const b = track(coordinator.joinGroup(joinRequest({ clientId: 'b', sessionTimeoutMs: 10_000 })));
    // The delay is extended once for b, then the join completes.
    await jest.advanceTimersByTimeAsync(200);
    const [leader, follower] = a.value!.leader === a.value!.memberId ? [a.value!, b.value!] : [b.value!, a.value!];
    const parked = track(sync(follower));
    for (let t = 0; t < 2500; t += 500) {
      await jest.advanceTimersByTimeAsync(500);
      expect((await heartbeat(leader)).errorCode).toBe(ErrorCode.NONE);
    }
    expect(parked.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(600);
    expect(parked.value).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    expect((await heartbeat(leader)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const members = (await coordinator.describeGroups({ groupIds: ['g'] })).groups[0].members;
    expect(members.map((m) => m.memberId)).toEqual([follower.memberId]);
  });

  it('keeps no deadline once the leader has synced', async () => {
    const a = track(coordinator.joinGroup(joinRequest({ clientId: 'a', sessionTimeoutMs: 10_000 })));
    const b = track(coordinator.joinGroup(joinRequest({ clientId: 'b', sessionTimeoutMs: 10_000 })));
    // The delay is extended once for b, then the join completes.
    await jest.advanceTimersByTimeAsync(200);
    const [leader, follower] = a.value!.leader === a.value!.memberId ? [a.value!, b.value!] : [b.value!, a.value!];
    const parked = track(sync(follower));
    expect((await sync(leader)).errorCode).toBe(ErrorCode.NONE);
    await jest.advanceTimersByTimeAsync(0);
    expect(parked.value?.errorCode).toBe(ErrorCode.NONE);
    for (let t = 0; t < 5000; t += 1000) {
      await jest.advanceTimersByTimeAsync(1000);
      expect((await heartbeat(leader)).errorCode).toBe(ErrorCode.NONE);
      expect((await heartbeat(follower)).errorCode).toBe(ErrorCode.NONE);
    }
  });
});
