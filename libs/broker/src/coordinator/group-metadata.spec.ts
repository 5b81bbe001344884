import { GroupState } from '@peak/protocol';
import { IllegalGroupStateTransitionError } from './coordinator.errors';
import { joinRequest } from './coordinator.test-support';
import { GroupMember } from './group-member';
import { GroupMetadata } from './group-metadata';

describe(GroupMetadata.name, () => {
  const member = (id: string, protocols = [{ name: 'RoundRobinAssigner', metadata: Buffer.from(id) }]) =>
    new GroupMember(id, joinRequest({ protocols }));

  describe('state machine', () => {
    const allowed: Array<[GroupState, GroupState]> = [
      ['Empty', 'PreparingRebalance'],
      ['PreparingRebalance', 'CompletingRebalance'],
      ['PreparingRebalance', 'Empty'],
      ['CompletingRebalance', 'Stable'],
      ['CompletingRebalance', 'PreparingRebalance'],
      ['Stable', 'PreparingRebalance'],
      ['Empty', 'Dead'],
      ['Stable', 'Dead'],
    ];
    const forbidden: Array<[GroupState, GroupState]> = [
      ['Empty', 'Stable'],
      ['Empty', 'CompletingRebalance'],
      ['PreparingRebalance', 'Stable'],
      ['Stable', 'CompletingRebalance'],
      ['Stable', 'Empty'],
      ['CompletingRebalance', 'Empty'],
      ['Dead', 'Empty'],
      ['Dead', 'PreparingRebalance'],
    ];

    /** Drives a fresh group into `state` through legal moves. */
    function groupIn(state: GroupState): GroupMetadata {
      const group = new GroupMetadata('g');
      const path: Record<GroupState, GroupState[]> = {
        Empty: [],
        PreparingRebalance: ['PreparingRebalance'],
        CompletingRebalance: ['PreparingRebalance', 'CompletingRebalance'],
        Stable: ['PreparingRebalance', 'CompletingRebalance', 'Stable'],
        Dead: ['Dead'],
      };
      for (const step of path[state]) group.transitionTo(step);
      return group;
    }

    it.each(allowed)('%s → %s is allowed', (from, to) => {
      const group = groupIn(from);
      group.transitionTo(to);
      expect(group.state).toBe(to);
    });

    it.each(forbidden)('%s → %s throws', (from, to) => {
      expect(() => groupIn(from).transitionTo(to)).toThrow(IllegalGroupStateTransitionError);
    });

    it('starts Empty at generation 0 and only Stable, CompletingRebalance and Empty can start a rebalance', () => {
      expect(groupIn('Empty')).toMatchObject({ state: 'Empty', generationId: 0 });
      expect(groupIn('Empty').canRebalance()).toBe(true);
      expect(groupIn('Stable').canRebalance()).toBe(true);
      expect(groupIn('CompletingRebalance').canRebalance()).toBe(true);
      expect(groupIn('PreparingRebalance').canRebalance()).toBe(false);
      expect(groupIn('Dead').canRebalance()).toBe(false);
    });
  });

  describe('generations', () => {
    it('goes to CompletingRebalance with members and to Empty without, bumping the generation', () => {
      const group = new GroupMetadata('g');
      group.add(member('a'));
      group.transitionTo('PreparingRebalance');
      group.initNextGeneration();
      expect(group).toMatchObject({ state: 'CompletingRebalance', generationId: 1, protocolName: 'RoundRobinAssigner' });
      group.transitionTo('PreparingRebalance');
      group.remove('a');
      group.initNextGeneration();
      expect(group).toMatchObject({ state: 'Empty', generationId: 2, protocolName: null, leaderId: null });
    });
  });

  describe('members and protocols', () => {
    it('makes the first member leader and passes leadership on in join order', () => {
      const group = new GroupMetadata('g');
      ['a', 'b', 'c'].forEach(id => group.add(member(id)));
      expect(group.leaderId).toBe('a');
      group.remove('b');
      expect(group.leaderId).toBe('a');
      group.remove('a');
      expect(group.leaderId).toBe('c');
    });

    it('takes the protocol type of its first member and accepts only that type', () => {
      const group = new GroupMetadata('g');
      expect(group.supportsProtocols('consumer', [{ name: 'x', metadata: Buffer.alloc(0) }])).toBe(true);
      expect(group.supportsProtocols('', [{ name: 'x', metadata: Buffer.alloc(0) }])).toBe(false);
      group.add(member('a'));
      expect(group.protocolType).toBe('consumer');
      expect(group.supportsProtocols('connect', [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }])).toBe(false);
      expect(group.supportsProtocols('consumer', [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }])).toBe(true);
      expect(group.supportsProtocols('consumer', [{ name: 'Other', metadata: Buffer.alloc(0) }])).toBe(false);
    });

    it('selects the leader\'s most preferred protocol among those every member supports', () => {
      const p = (name: string) => ({ name, metadata: Buffer.from(name) });
      const group = new GroupMetadata('g');
      group.add(member('leader', [p('sticky'), p('range'), p('roundrobin')]));
      group.add(member('f1', [p('roundrobin'), p('range')]));
      group.add(member('f2', [p('range'), p('roundrobin'), p('sticky')]));
      expect([...group.candidateProtocols()].sort()).toEqual(['range', 'roundrobin']);
      expect(group.selectProtocol()).toBe('range');
    });

    it('knows when every member has rejoined and no handed-out id is outstanding', () => {
      const group = new GroupMetadata('g');
      const a = member('a');
      const b = member('b');
      group.add(a);
      group.add(b);
      expect(group.hasAllMembersJoined()).toBe(false);
      void a.awaitJoin();
      void b.awaitJoin();
      expect(group.hasAllMembersJoined()).toBe(true);
      group.pendingMembers.set('c', setTimeout(() => undefined, 0));
      expect(group.hasAllMembersJoined()).toBe(false);
      clearTimeout(group.pendingMembers.get('c'));
      a.abandon(0);
      b.abandon(0);
    });

    it('uses the largest member rebalance timeout', () => {
      const group = new GroupMetadata('g');
      group.add(new GroupMember('a', joinRequest({ rebalanceTimeoutMs: 500 })));
      group.add(new GroupMember('b', joinRequest({ rebalanceTimeoutMs: 9000 })));
      expect(group.rebalanceTimeoutMs()).toBe(9000);
    });

    it('describes metadata and assignments only while Stable', () => {
      const group = new GroupMetadata('g');
      const a = member('a');
      a.assignment = Buffer.from('asg');
      group.add(a);
      group.transitionTo('PreparingRebalance');
      group.initNextGeneration();
      expect(group.describe().members[0]).toMatchObject({ memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) });
      expect(group.describe().protocol).toBe('');
      group.transitionTo('Stable');
      expect(group.describe()).toMatchObject({
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'RoundRobinAssigner',
        members: [{ memberId: 'a', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('a'), memberAssignment: Buffer.from('asg') }],
      });
    });
  });
});
