import { ErrorCode } from '@peak/protocol';
import { joinRequest } from './coordinator.test-support';
import { GroupMember } from './group-member';

describe(GroupMember.name, () => {
  const p = (name: string, metadata: string) => ({ name, metadata: Buffer.from(metadata) });

  it('matches the same protocols in the same order with the same bytes only', () => {
    const member = new GroupMember('m', joinRequest({ protocols: [p('a', '1'), p('b', '2')] }));
    expect(member.matches([p('a', '1'), p('b', '2')])).toBe(true);
    expect(member.matches([p('b', '2'), p('a', '1')])).toBe(false);
    expect(member.matches([p('a', '1'), p('b', '3')])).toBe(false);
    expect(member.matches([p('a', '1')])).toBe(false);
    expect(member.metadataFor('b')).toEqual(Buffer.from('2'));
    expect(member.metadataFor('zzz')).toEqual(Buffer.alloc(0));
  });

  it('answers a superseded JoinGroup with REBALANCE_IN_PROGRESS instead of dropping it', async () => {
    const member = new GroupMember('m', joinRequest());
    const first = member.awaitJoin();
    const second = member.awaitJoin();
    expect((await first).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(member.isAwaitingJoin).toBe(true);
    member.abandon(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await second).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(member.isAwaitingJoin).toBe(false);
  });

  it('abandon answers held JoinGroup and SyncGroup alike', async () => {
    const member = new GroupMember('m', joinRequest());
    const join = member.awaitJoin();
    const sync = member.awaitSync();
    member.abandon(ErrorCode.NOT_COORDINATOR_FOR_GROUP);
    expect(await join).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR_FOR_GROUP, memberId: 'm', generationId: -1 });
    expect(await sync).toEqual({ errorCode: ErrorCode.NOT_COORDINATOR_FOR_GROUP, assignment: Buffer.alloc(0) });
  });
});
