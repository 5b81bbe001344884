import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '@peak/protocol';
import { GroupCoordinatorOptions } from './group-coordinator.options';
import { GroupMember, joinError } from './group-member';
import { GroupMetadata } from './group-metadata';

const EMPTY = Buffer.alloc(0);

/**
 * The rebalance protocol of Kafka's classic GroupCoordinator: JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, session expiry and the delayed join, over the coordinator's map of
 * groups. Single-threaded and synchronous except for the promises it returns: JoinGroup and
 * SyncGroup responses are held until the round completes, and every held response is
 * eventually answered (round completes, member removed, or abandonAll()).
 */
export class GroupMembership {
  constructor(
    private readonly groups: Map<string, GroupMetadata>,
    private readonly options: GroupCoordinatorOptions,
  ) {}

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> | JoinGroupResponse {
    const { groupId, memberId } = request;
    if (groupId === '') return joinError(ErrorCode.INVALID_GROUP_ID, memberId);
    if (
      request.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      request.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    ) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId);
    }
    let group = this.groups.get(groupId);
    if (!group) {
      if (memberId !== '') return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
      if (!new GroupMetadata(groupId).supportsProtocols(request.protocolType, request.protocols)) {
        return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId);
      }
      group = new GroupMetadata(groupId);
      this.groups.set(groupId, group);
    }
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId);
    }
    return memberId === '' ? this.joinNewMember(group, request) : this.joinKnownMember(group, request);
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> | SyncGroupResponse {
    const error = (errorCode: number): SyncGroupResponse => ({ errorCode, assignment: EMPTY });
    if (request.groupId === '') return error(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return error(ErrorCode.UNKNOWN_MEMBER_ID);
    if (request.generationId !== group.generationId) return error(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'PreparingRebalance':
        return error(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.NONE, assignment: member.assignment };
      case 'CompletingRebalance': {
        const response = member.awaitSync();
        this.scheduleSession(group, member);
        if (group.isLeader(member.memberId)) this.completeSync(group, request.assignments);
        return response;
      }
      default:
        return error(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    if (request.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member || group.is('Empty') || group.is('Dead')) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (request.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
    this.scheduleSession(group, member);
    return { errorCode: group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE };
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    if (request.groupId === '') {
      return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    }
    const group = this.groups.get(request.groupId);
    const members = request.members.map(({ memberId }) => {
      if (!group) return { memberId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      const pendingTimer = group.pendingMembers.get(memberId);
      if (pendingTimer) {
        clearTimeout(pendingTimer);
        group.pendingMembers.delete(memberId);
        this.tryCompleteJoin(group);
        return { memberId, errorCode: ErrorCode.NONE };
      }
      const member = group.members.get(memberId);
      if (!member) return { memberId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMemberAndUpdateGroup(group, member);
      return { memberId, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  /** Resets a member's session timer (a commit from a live member counts as a heartbeat). */
  touch(group: GroupMetadata, member: GroupMember): void {
    this.scheduleSession(group, member);
  }

  /** Clears a group's timers and answers every held response with `errorCode`. */
  abandonGroup(group: GroupMetadata, errorCode: number): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    this.clearSyncTimer(group);
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.pendingMembers.clear();
    for (const member of group.members.values()) {
      if (member.sessionTimer) clearTimeout(member.sessionTimer);
      member.sessionTimer = null;
      member.abandon(errorCode);
    }
  }

  // ---- join ----

  private joinNewMember(group: GroupMetadata, request: JoinGroupRequest): JoinGroupResponse | Promise<JoinGroupResponse> {
    const memberId = `${request.clientId}-${randomUUID()}`;
    if (request.requireKnownMemberId) {
      // JoinGroup v4+: hand out the id first; the member must rejoin with it within its session.
      const timer = setTimeout(() => this.expirePendingMember(group, memberId), request.sessionTimeoutMs);
      timer.unref();
      group.pendingMembers.set(memberId, timer);
      return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    }
    return this.addMemberAndRebalance(group, memberId, request);
  }

  private joinKnownMember(group: GroupMetadata, request: JoinGroupRequest): JoinGroupResponse | Promise<JoinGroupResponse> {
    const { memberId } = request;
    const pendingTimer = group.pendingMembers.get(memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      group.pendingMembers.delete(memberId);
      return this.addMemberAndRebalance(group, memberId, request);
    }
    const member = group.members.get(memberId);
    if (!member) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request);
      case 'CompletingRebalance':
        // A member retrying a join whose response it lost gets the same answer again.
        if (member.matches(request.protocols)) return this.currentJoinResponse(group, member);
        return this.updateMemberAndRebalance(group, member, request);
      case 'Stable':
        // The leader rejoining (e.g. metadata changed) or changed protocols start a rebalance.
        if (!group.isLeader(memberId) && member.matches(request.protocols)) return this.currentJoinResponse(group, member);
        return this.updateMemberAndRebalance(group, member, request);
      default:
        return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
    }
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const member = new GroupMember(memberId, request);
    group.add(member);
    group.newMemberAdded = true;
    const response = member.awaitJoin();
    this.scheduleSession(group, member);
    this.maybePrepareRebalance(group);
    this.tryCompleteJoin(group);
    return response;
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: GroupMember, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    member.update(request);
    const response = member.awaitJoin();
    this.scheduleSession(group, member);
    this.maybePrepareRebalance(group);
    this.tryCompleteJoin(group);
    return response;
  }

  private currentJoinResponse(group: GroupMetadata, member: GroupMember): JoinGroupResponse {
    this.scheduleSession(group, member);
    return this.joinResponse(group, member);
  }

  private joinResponse(group: GroupMetadata, member: GroupMember): JoinGroupResponse {
    const isLeader = group.isLeader(member.memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader ? group.joinedMembers() : [],
    };
  }

  // ---- rebalance ----

  private maybePrepareRebalance(group: GroupMetadata): void {
    if (group.canRebalance()) this.prepareRebalance(group);
  }

  private prepareRebalance(group: GroupMetadata): void {
    this.clearSyncTimer(group);
    if (group.is('CompletingRebalance')) {
      // Members waiting for the leader's assignment must rejoin instead.
      for (const member of group.members.values()) {
        member.assignment = EMPTY;
        if (!member.isAwaitingSync) continue;
        member.completeSync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        this.scheduleSession(group, member);
      }
    }
    const initial = group.is('Empty') && this.options.initialRebalanceDelayMs > 0;
    group.transitionTo('PreparingRebalance');
    if (initial) {
      group.initialDelayActive = true;
      group.newMemberAdded = false;
      const delay = Math.min(this.options.initialRebalanceDelayMs, group.rebalanceTimeoutMs());
      this.scheduleInitialDelay(group, delay, group.rebalanceTimeoutMs() - delay);
    } else {
      this.setJoinTimer(group, group.rebalanceTimeoutMs(), () => this.completeJoin(group));
    }
  }

  /** group.initial.rebalance.delay.ms: wait, and wait again while new members keep arriving. */
  private scheduleInitialDelay(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    this.setJoinTimer(group, delayMs, () => {
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.options.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelay(group, next, remainingMs - next);
        return;
      }
      group.initialDelayActive = false;
      this.completeJoin(group);
    });
  }

  private setJoinTimer(group: GroupMetadata, delayMs: number, onFire: () => void): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      if (this.groups.get(group.groupId) === group && group.is('PreparingRebalance')) onFire();
    }, delayMs);
    group.joinTimer.unref();
  }

  private tryCompleteJoin(group: GroupMetadata): void {
    if (group.is('PreparingRebalance') && !group.initialDelayActive && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends a join round: drops members that did not rejoin, starts the next generation, answers the joins. */
  private completeJoin(group: GroupMetadata): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.initialDelayActive = false;
    for (const member of [...group.members.values()]) {
      if (!member.isAwaitingJoin) this.dropMember(group, member);
    }
    group.initNextGeneration();
    for (const member of group.members.values()) {
      member.isNew = false;
      member.completeJoin(this.joinResponse(group, member));
      this.scheduleSession(group, member);
    }
    if (group.is('CompletingRebalance')) this.scheduleSyncDeadline(group);
  }

  /**
   * Members get the rebalance timeout to send SyncGroup (as Kafka's pending-sync timeout):
   * then those that have not are removed, which starts a new round and answers the members
   * parked in SyncGroup with REBALANCE_IN_PROGRESS, so no member waits there forever.
   */
  private scheduleSyncDeadline(group: GroupMetadata): void {
    this.clearSyncTimer(group);
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      if (this.groups.get(group.groupId) !== group || !group.is('CompletingRebalance') || group.generationId !== generation) return;
      const silent = [...group.members.values()].filter((member) => !member.isAwaitingSync);
      for (const member of silent) {
        if (group.members.get(member.memberId) === member) this.removeMemberAndUpdateGroup(group, member);
      }
    }, group.rebalanceTimeoutMs());
    group.syncTimer.unref();
  }

  private clearSyncTimer(group: GroupMetadata): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }

  // ---- sync ----

  private completeSync(group: GroupMetadata, assignments: SyncGroupRequest['assignments']): void {
    this.clearSyncTimer(group);
    const byMember = new Map(assignments.map(a => [a.memberId, a.assignment]));
    for (const member of group.members.values()) member.assignment = byMember.get(member.memberId) ?? EMPTY;
    group.transitionTo('Stable');
    for (const member of group.members.values()) {
      if (!member.isAwaitingSync) continue;
      member.completeSync({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      this.scheduleSession(group, member);
    }
  }

  // ---- sessions and removal ----

  private scheduleSession(group: GroupMetadata, member: GroupMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.onSessionExpired(group, member), member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  private onSessionExpired(group: GroupMetadata, member: GroupMember): void {
    member.sessionTimer = null;
    if (this.groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup is alive; the round's own timeout governs it.
    if (member.isAwaitingJoin || member.isAwaitingSync) {
      this.scheduleSession(group, member);
      return;
    }
    this.removeMemberAndUpdateGroup(group, member);
  }

  private expirePendingMember(group: GroupMetadata, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (this.groups.get(group.groupId) === group) this.tryCompleteJoin(group);
  }

  /** Removes a member (left or expired) and moves the group on: a rebalance, or a finished round. */
  private removeMemberAndUpdateGroup(group: GroupMetadata, member: GroupMember): void {
    this.dropMember(group, member);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.prepareRebalance(group);
    this.tryCompleteJoin(group);
  }

  /** Takes a member out without touching the group's state; its held responses get UNKNOWN_MEMBER_ID. */
  private dropMember(group: GroupMetadata, member: GroupMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    member.abandon(ErrorCode.UNKNOWN_MEMBER_ID);
    group.remove(member.memberId);
  }
}
