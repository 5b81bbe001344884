import {
  DeleteGroupsResponse,
  DescribedGroup,
  DescribeGroupsResponse,
  ErrorCode,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '@peak/protocol';
import { CoordinatorClosedError } from './coordinator.errors';
import { GroupCoordinatorOptions, MAX_OFFSET_METADATA_BYTES, resolveCoordinatorOptions } from './group-coordinator.options';
import { GroupMembership } from './group-membership';
import { GroupMetadata } from './group-metadata';
import { DiskOffsetStore } from './offsets/disk-offset-store';
import { MemoryOffsetStore } from './offsets/memory-offset-store';
import { OffsetCommitEntry, OffsetStore } from './offsets/offset-store.interface';

/** OFFSET_METADATA_TOO_LARGE (not in the shared ErrorCode constants). */
export const OFFSET_METADATA_TOO_LARGE = 12;

/**
 * The broker's consumer group coordinator, behaving like Kafka's classic GroupCoordinator:
 * group membership and rebalances (client-side assignment: metadata and assignments are
 * opaque bytes), and committed offsets (durable when dataDir is set).
 *
 * Single-threaded: every method runs on the broker's event loop. Errors that belong to a
 * group, member or partition come back as error codes; a method rejects only when the
 * coordinator itself fails (offset store I/O) or after close().
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, GroupMetadata>();
  private readonly membership: GroupMembership;
  private closed = false;

  private constructor(
    private readonly options: GroupCoordinatorOptions,
    private readonly store: OffsetStore,
  ) {
    this.membership = new GroupMembership(this.groups, options);
    // Groups known only by their committed offsets exist, Empty (as Kafka loads them).
    for (const groupId of store.groupIds()) this.groups.set(groupId, new GroupMetadata(groupId));
  }

  /** Opens the coordinator; with dataDir, replays committed offsets from disk first. */
  static async open(
    options: Partial<GroupCoordinatorOptions> & Pick<GroupCoordinatorOptions, 'partitionExists'>,
  ): Promise<GroupCoordinator> {
    const resolved = resolveCoordinatorOptions(options);
    const store: OffsetStore = resolved.dataDir
      ? await DiskOffsetStore.open(resolved.dataDir)
      : new MemoryOffsetStore();
    return new GroupCoordinator(resolved, store);
  }

  /** Held until every known member has rejoined or the rebalance timeout expires. */
  async joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    this.assertOpen();
    return this.membership.joinGroup(request);
  }

  /** Followers are held until the leader sends the generation's assignments. */
  async syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    this.assertOpen();
    return this.membership.syncGroup(request);
  }

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    this.assertOpen();
    return this.membership.heartbeat(request);
  }

  async leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    this.assertOpen();
    return this.membership.leaveGroup(request);
  }

  /** Resolves after the accepted offsets are durable (fdatasync'd when dataDir is set). */
  async offsetCommit(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    this.assertOpen();
    const groupError = this.validateCommit(request);
    if (groupError !== ErrorCode.NONE) {
      return {
        topics: request.topics.map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map(({ partition }) => ({ partition, errorCode: groupError })),
        })),
      };
    }
    const now = Date.now();
    const accepted: OffsetCommitEntry[] = [];
    const response: OffsetCommitResponse = {
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, offset, metadata }) => {
          if (metadata !== null && Buffer.byteLength(metadata, 'utf8') > MAX_OFFSET_METADATA_BYTES) {
            return { partition, errorCode: OFFSET_METADATA_TOO_LARGE };
          }
          if (!this.options.partitionExists(topic, partition)) {
            return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          }
          accepted.push({ topic, partition, offset, metadata, commitTimestampMs: now });
          return { partition, errorCode: ErrorCode.NONE };
        }),
      })),
    };
    if (!this.groups.has(request.groupId)) this.groups.set(request.groupId, new GroupMetadata(request.groupId));
    if (accepted.length > 0) await this.store.commit(request.groupId, accepted);
    return response;
  }

  /** Committed offsets; -1 (and metadata '') for partitions with none. */
  async offsetFetch(request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    this.assertOpen();
    if (request.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const { groupId } = request;
    if (request.topics === null) {
      const byTopic = new Map<string, OffsetFetchResponse['topics'][number]>();
      for (const entry of this.store.list(groupId)) {
        let topic = byTopic.get(entry.topic);
        if (!topic) byTopic.set(entry.topic, (topic = { topic: entry.topic, partitions: [] }));
        topic.partitions.push({ partition: entry.partition, offset: entry.offset, metadata: entry.metadata, errorCode: ErrorCode.NONE });
      }
      return { errorCode: ErrorCode.NONE, topics: [...byTopic.values()] };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(partition => {
          const committed = this.store.get(groupId, topic, partition);
          return committed
            ? { partition, offset: committed.offset, metadata: committed.metadata, errorCode: ErrorCode.NONE }
            : { partition, offset: -1, metadata: '', errorCode: ErrorCode.NONE };
        }),
      })),
    };
  }

  /** Unknown groups are described as Dead with no members, as Kafka does. */
  async describeGroups(request: { groupIds: string[] }): Promise<DescribeGroupsResponse> {
    this.assertOpen();
    return {
      groups: request.groupIds.map((groupId): DescribedGroup => {
        const group = this.groups.get(groupId);
        if (group) return group.describe();
        const errorCode = groupId === '' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE;
        return { errorCode, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
      }),
    };
  }

  async listGroups(): Promise<ListGroupsResponse> {
    this.assertOpen();
    return {
      errorCode: ErrorCode.NONE,
      groups: [...this.groups.values()].map(g => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state })),
    };
  }

  /** Deletes Empty groups and their committed offsets (durably before resolving). */
  async deleteGroups(request: { groupIds: string[] }): Promise<DeleteGroupsResponse> {
    this.assertOpen();
    const results: DeleteGroupsResponse['results'] = [];
    const deletions: Promise<void>[] = [];
    for (const groupId of request.groupIds) {
      const group = this.groups.get(groupId);
      if (groupId === '') results.push({ groupId, errorCode: ErrorCode.INVALID_GROUP_ID });
      else if (!group) results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
      else if (!group.is('Empty')) results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
      else {
        this.membership.abandonGroup(group, ErrorCode.UNKNOWN_MEMBER_ID);
        group.transitionTo('Dead');
        this.groups.delete(groupId);
        deletions.push(this.store.deleteGroup(groupId));
        results.push({ groupId, errorCode: ErrorCode.NONE });
      }
    }
    await Promise.all(deletions);
    return { results };
  }

  /** Drops every group's committed offsets for a deleted topic (durably before resolving). */
  async onTopicDeleted(topic: string): Promise<void> {
    this.assertOpen();
    await this.store.deleteTopic(topic);
  }

  /**
   * Stops every timer, answers every held JoinGroup/SyncGroup with NOT_COORDINATOR_FOR_GROUP
   * (clients then look for the coordinator again), waits for pending offset writes and
   * closes the store. Later calls reject with CoordinatorClosedError.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) this.membership.abandonGroup(group, ErrorCode.NOT_COORDINATOR_FOR_GROUP);
    await this.store.close();
  }

  /** Kafka's OffsetCommit validation; NONE when the commit may proceed. */
  private validateCommit(request: OffsetCommitRequest): number {
    const { groupId, generationId, memberId } = request;
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) {
      // No group: a commit outside group management creates it; a generation means a stale member.
      return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }
    if (generationId >= 0 || memberId !== '') {
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
      this.membership.touch(group, member);
      return ErrorCode.NONE;
    }
    return group.is('Empty') ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private assertOpen(): void {
    if (this.closed) throw new CoordinatorClosedError();
  }
}
