import { ErrorCode, JoinGroupResponse } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { createErrorFromCode, KafkaJSNonRetriableError } from '../errors';
import { ConsumerEventNames, InstrumentationEmitter } from '../instrumentation';
import type { Logger } from '../logger/logger';
import type { Assigner, GroupMemberAssignment } from '../types/assigner.types';
import { AssignerProtocol } from './assigners';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
/** How often one joinAndSync call may go round (MEMBER_ID_REQUIRED, a rebalance during sync). */
const MAX_JOIN_ROUNDS = 10;

export interface ConsumerGroupOptions {
  groupId: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  heartbeatInterval: number;
  assigners: Assigner[];
}

/**
 * This member's side of the group protocol, run client-side like kafkajs: JoinGroup with
 * the assigners' protocols, the leader computes the plan and sends it in SyncGroup, then
 * Heartbeat and LeaveGroup. Holds the current generation and assignment. One caller at a
 * time (the runner).
 */
export class ConsumerGroup {
  memberId = '';
  generationId = -1;
  leaderId = '';
  groupProtocol = '';
  /** Assigned partitions per topic (only subscribed topics), sorted. */
  assignment = new Map<string, number[]>();
  private lastHeartbeat = 0;

  constructor(
    private readonly client: BrokerClient,
    private readonly cluster: Cluster,
    private readonly emitter: InstrumentationEmitter,
    private readonly logger: Logger,
    private readonly options: ConsumerGroupOptions,
  ) {}

  get groupId(): string {
    return this.options.groupId;
  }

  isLeader(): boolean {
    return this.memberId !== '' && this.memberId === this.leaderId;
  }

  /** Joins (or rejoins) the group and waits for this member's assignment. */
  async joinAndSync(subscribedTopics: string[]): Promise<void> {
    const startedAt = Date.now();
    await this.cluster.findGroupCoordinator(this.options.groupId);
    for (let round = 0; ; round++) {
      if (round >= MAX_JOIN_ROUNDS) throw new KafkaJSNonRetriableError(`Could not join group ${this.options.groupId}`);
      const joined = await this.join(subscribedTopics);
      if (!joined) continue;
      const assignments = this.isLeader() ? await this.assign(joined) : [];
      const synced = await this.client.send('syncGroup', (b) =>
        b.syncGroup({
          groupId: this.options.groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          groupInstanceId: null,
          assignments: assignments.map((a) => ({ memberId: a.memberId, assignment: a.memberAssignment })),
        }),
      );
      if (synced.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
      if (synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (synced.errorCode !== 0) throw createErrorFromCode(synced.errorCode);
      this.applyAssignment(synced.assignment, subscribedTopics);
      this.lastHeartbeat = Date.now();
      this.emitter.emit(ConsumerEventNames.GROUP_JOIN, {
        duration: Date.now() - startedAt,
        groupId: this.options.groupId,
        isLeader: this.isLeader(),
        leaderId: this.leaderId,
        groupProtocol: this.groupProtocol,
        memberId: this.memberId,
        memberAssignment: Object.fromEntries(this.assignment),
      });
      return;
    }
  }

  /** One JoinGroup; null when it must be repeated (member id handed out, stale member id). */
  private async join(subscribedTopics: string[]): Promise<JoinGroupResponse | null> {
    const response = await this.client.send('joinGroup', (b) =>
      b.joinGroup({
        groupId: this.options.groupId,
        sessionTimeoutMs: this.options.sessionTimeout,
        rebalanceTimeoutMs: this.options.rebalanceTimeout,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: this.options.assigners.map((a) => a.protocol({ topics: subscribedTopics })),
        clientId: this.client.clientId,
        clientHost: '/127.0.0.1',
        requireKnownMemberId: true,
      }),
    );
    if (response.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = response.memberId;
      return null;
    }
    if (response.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      this.memberId = '';
      return null;
    }
    if (response.errorCode !== 0) throw createErrorFromCode(response.errorCode);
    this.memberId = response.memberId;
    this.generationId = response.generationId;
    this.leaderId = response.leader;
    this.groupProtocol = response.protocolName;
    return response;
  }

  /** Leader only: runs the chosen assigner over every member's subscription. */
  private async assign(joined: JoinGroupResponse): Promise<GroupMemberAssignment[]> {
    const assigner = this.options.assigners.find((a) => a.name === joined.protocolName);
    if (!assigner) throw new KafkaJSNonRetriableError(`Unsupported partition assigner "${joined.protocolName}"`);
    const topics = new Set<string>();
    const members = joined.members.map((m) => {
      const metadata = AssignerProtocol.MemberMetadata.decode(m.metadata);
      for (const t of metadata?.topics ?? []) topics.add(t);
      return { memberId: m.memberId, memberMetadata: m.metadata };
    });
    await this.cluster.addMultipleTargetTopics([...topics]);
    await this.cluster.refreshMetadata();
    this.logger.debug('Chosen as group leader', { groupId: this.options.groupId, memberId: this.memberId, topics: [...topics] });
    return assigner.assign({ members, topics: [...topics] });
  }

  private applyAssignment(bytes: Buffer, subscribedTopics: string[]): void {
    const decoded = bytes.length > 0 ? AssignerProtocol.MemberAssignment.decode(bytes) : null;
    const assigned = decoded?.assignment ?? {};
    const subscribed = new Set(subscribedTopics);
    const notSubscribed = Object.keys(assigned).filter((t) => !subscribed.has(t));
    if (notSubscribed.length > 0) {
      this.emitter.emit(ConsumerEventNames.RECEIVED_UNSUBSCRIBED_TOPICS, {
        groupId: this.options.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        assignedTopics: Object.keys(assigned),
        topicsSubscribed: subscribedTopics,
        topicsNotSubscribed: notSubscribed,
      });
    }
    this.assignment = new Map();
    for (const topic of Object.keys(assigned).sort()) {
      if (subscribed.has(topic)) this.assignment.set(topic, [...assigned[topic]].sort((a, b) => a - b));
    }
  }

  /** True when a heartbeat is due (heartbeatInterval since the last one). */
  heartbeatDue(): boolean {
    return Date.now() - this.lastHeartbeat >= this.options.heartbeatInterval;
  }

  /**
   * Sends a heartbeat if one is due (or `force`). Rejects with the coordinator's error
   * (REBALANCE_IN_PROGRESS etc.) so the runner can rejoin.
   */
  async heartbeat(force = false): Promise<void> {
    if (!force && !this.heartbeatDue()) return;
    const response = await this.client.send('heartbeat', (b) =>
      b.heartbeat({ groupId: this.options.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null }),
    );
    if (response.errorCode !== 0) throw createErrorFromCode(response.errorCode);
    this.lastHeartbeat = Date.now();
    this.emitter.emit(ConsumerEventNames.HEARTBEAT, { groupId: this.options.groupId, memberId: this.memberId, groupGenerationId: this.generationId });
  }

  /** Leaves the group (best effort); the coordinator rebalances the others at once. */
  async leave(): Promise<void> {
    if (!this.memberId) return;
    const memberId = this.memberId;
    this.memberId = '';
    this.generationId = -1;
    this.assignment = new Map();
    await this.client.send('leaveGroup', (b) => b.leaveGroup({ groupId: this.options.groupId, members: [{ memberId, groupInstanceId: null }] }));
  }
}
