import { DescribedGroup, ErrorCode, GroupProtocol, GroupState, JoinGroupMember } from '@peak/protocol';
import { IllegalGroupStateTransitionError } from './coordinator.errors';
import { GroupMember } from './group-member';

/** Kafka's GroupMetadata state machine: a state may only be entered from these. */
const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

/**
 * One consumer group: state, generation, members (in join order), the leader and the chosen
 * protocol, plus the timers the coordinator parks on it. Holds no policy about *when* to
 * move; the coordinator decides, this class checks the move is legal and keeps the
 * bookkeeping consistent. Not thread-safe.
 */
export class GroupMetadata {
  private currentState: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Ids handed out with MEMBER_ID_REQUIRED that have not rejoined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** The delayed join (rebalance timeout or initial delay) while PreparingRebalance. */
  joinTimer: NodeJS.Timeout | null = null;
  /** The deadline for every member's SyncGroup while CompletingRebalance (rebalance timeout). */
  syncTimer: NodeJS.Timeout | null = null;
  /** True while the initial rebalance delay runs (the join completes only when it ends). */
  initialDelayActive = false;
  /** A member joined since the initial delay last started (Kafka's newMemberAdded). */
  newMemberAdded = false;

  constructor(readonly groupId: string) {}

  get state(): GroupState {
    return this.currentState;
  }

  is(state: GroupState): boolean {
    return this.currentState === state;
  }

  /** Throws IllegalGroupStateTransitionError for a move Kafka's state machine does not allow. */
  transitionTo(state: GroupState): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.currentState)) {
      throw new IllegalGroupStateTransitionError(this.groupId, this.currentState, state);
    }
    this.currentState = state;
  }

  /** A rebalance may start from these states (in PreparingRebalance one already runs). */
  canRebalance(): boolean {
    return this.is('Stable') || this.is('CompletingRebalance') || this.is('Empty');
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  /** Removes a member; if it led, the next member in join order leads. */
  remove(memberId: string): void {
    this.members.delete(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Every member has a JoinGroup waiting and no MEMBER_ID_REQUIRED member is outstanding. */
  hasAllMembersJoined(): boolean {
    for (const member of this.members.values()) if (!member.isAwaitingJoin) return false;
    return this.pendingMembers.size === 0;
  }

  /** How long a rebalance may wait for members: the largest rebalance timeout among them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /** Protocol names every member supports. */
  candidateProtocols(): Set<string> {
    let candidates: string[] | null = null;
    for (const member of this.members.values()) {
      const names = new Set(member.protocolNames());
      candidates = candidates === null ? [...names] : candidates.filter(n => names.has(n));
    }
    return new Set(candidates ?? []);
  }

  /** Whether a member offering these could join: same protocol type and a protocol in common. */
  supportsProtocols(protocolType: string, protocols: GroupProtocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some(p => candidates.has(p.name));
  }

  /** A protocol every member supports, taking the leader's preference order. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
    const order = leader?.protocolNames() ?? [...candidates];
    const chosen = order.find(name => candidates.has(name));
    if (chosen === undefined) throw new Error(`group ${this.groupId} has no protocol all members support`);
    return chosen;
  }

  /**
   * Starts the next generation after a join round: generation + 1, and either
   * CompletingRebalance with a chosen protocol or Empty when nobody is left.
   */
  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.transitionTo('Empty');
    }
  }

  /** Members and their metadata for the chosen protocol, as the leader's JoinGroup response lists them. */
  joinedMembers(): JoinGroupMember[] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map(m => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }));
  }

  /** DescribeGroups view; as in Kafka, metadata and assignments only while Stable. */
  describe(): DescribedGroup {
    const stable = this.is('Stable');
    const protocol = stable ? (this.protocolName ?? '') : '';
    return {
      errorCode: ErrorCode.NONE,
      groupId: this.groupId,
      state: this.currentState,
      protocolType: this.protocolType ?? '',
      protocol,
      members: [...this.members.values()].map(m => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(protocol) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }
}
