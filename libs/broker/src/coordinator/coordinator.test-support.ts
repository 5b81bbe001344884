import { JoinGroupRequest, JoinGroupResponse } from '@peak/protocol';
import { GroupCoordinator } from './group-coordinator';

/** Helpers shared by the coordinator specs (not exported from the library). */

export const PROTOCOL_TYPE = 'consumer';

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 1000,
    rebalanceTimeoutMs: 3000,
    memberId: '',
    groupInstanceId: null,
    protocolType: PROTOCOL_TYPE,
    protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from(`meta-${overrides.clientId ?? 'c'}`) }],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** A promise plus whether it has settled yet (inspect after letting microtasks run). */
export interface Tracked<T> {
  promise: Promise<T>;
  settled: boolean;
  value?: T;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false };
  promise.then(
    value => {
      tracked.settled = true;
      tracked.value = value;
    },
    () => {
      tracked.settled = true;
    },
  );
  return tracked;
}

/** One member joined and synced (so the group is Stable); returns its JoinGroup response. */
export async function stableGroupOfOne(coordinator: GroupCoordinator, overrides: Partial<JoinGroupRequest> = {}): Promise<JoinGroupResponse> {
  const joined = await coordinator.joinGroup(joinRequest(overrides));
  const sync = await coordinator.syncGroup({
    groupId: overrides.groupId ?? 'g',
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
  });
  if (sync.errorCode !== 0) throw new Error(`sync failed with ${sync.errorCode}`);
  return joined;
}
