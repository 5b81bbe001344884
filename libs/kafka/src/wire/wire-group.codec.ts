import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteGroupsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeGroupsResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  GroupState,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '@peak/protocol';
import type { ByteReader, ByteWriter } from '@peak/wire';

/*
 * Client side of the group coordinator and admin APIs over the Kafka wire protocol, one
 * fixed non-flexible version each (see wire-data.codec.ts). Bytes read from a response are
 * copied when the caller keeps them (assignments, member metadata).
 */

/** Request versions this client speaks. JoinGroup uses v5 (member id required first) or v3. */
export const WireGroupVersions = {
  FindCoordinator: 2,
  JoinGroupKnownMemberId: 5,
  JoinGroupLegacy: 3,
  SyncGroup: 3,
  Heartbeat: 3,
  LeaveGroup: 3,
  OffsetCommit: 5,
  OffsetFetch: 4,
  DescribeGroups: 4,
  ListGroups: 2,
  DeleteGroups: 1,
  CreateTopics: 3,
  DeleteTopics: 3,
  CreatePartitions: 1,
} as const;

const copy = (b: Buffer): Buffer => Buffer.from(b);

export function writeFindCoordinator(w: ByteWriter, r: FindCoordinatorRequest): void {
  w.string(r.key).int8(r.keyType);
}

export function readFindCoordinator(r: ByteReader): FindCoordinatorResponse {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16(), errorMessage: r.nullableString(), nodeId: r.int32(), host: r.string(), port: r.int32() };
}

/** `version` is WireGroupVersions.JoinGroupKnownMemberId or JoinGroupLegacy. */
export function writeJoinGroup(w: ByteWriter, r: JoinGroupRequest, version: number): void {
  w.string(r.groupId).int32(r.sessionTimeoutMs).int32(r.rebalanceTimeoutMs).string(r.memberId);
  if (version >= 5) w.nullableString(r.groupInstanceId);
  w.string(r.protocolType).array(r.protocols, (pw, p) => pw.string(p.name).bytes(p.metadata));
}

export function readJoinGroup(r: ByteReader, version: number): JoinGroupResponse {
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const generationId = r.int32();
  const protocolName = r.string();
  const leader = r.string();
  const memberId = r.string();
  const members = r.array((m) => ({
    memberId: m.string(),
    groupInstanceId: version >= 5 ? m.nullableString() : null,
    metadata: copy(m.bytes()),
  }));
  return { errorCode, generationId, protocolName, leader, memberId, members };
}

export function writeSyncGroup(w: ByteWriter, r: SyncGroupRequest): void {
  w.string(r.groupId).int32(r.generationId).string(r.memberId).nullableString(r.groupInstanceId);
  w.array(r.assignments, (aw, a) => aw.string(a.memberId).bytes(a.assignment));
}

export function readSyncGroup(r: ByteReader): SyncGroupResponse {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16(), assignment: copy(r.bytes()) };
}

export function writeHeartbeat(w: ByteWriter, r: HeartbeatRequest): void {
  w.string(r.groupId).int32(r.generationId).string(r.memberId).nullableString(r.groupInstanceId);
}

export function readHeartbeat(r: ByteReader): HeartbeatResponse {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16() };
}

export function writeLeaveGroup(w: ByteWriter, r: LeaveGroupRequest): void {
  w.string(r.groupId).array(r.members, (mw, m) => mw.string(m.memberId).nullableString(m.groupInstanceId));
}

export function readLeaveGroup(r: ByteReader): LeaveGroupResponse {
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const members = r.array((m) => {
    const memberId = m.string();
    m.nullableString(); // group_instance_id
    return { memberId, errorCode: m.int16() };
  });
  return { errorCode, members };
}

export function writeOffsetCommit(w: ByteWriter, r: OffsetCommitRequest): void {
  w.string(r.groupId).int32(r.generationId).string(r.memberId);
  w.array(r.topics, (tw, t) => {
    tw.string(t.topic).array(t.partitions, (pw, p) => pw.int32(p.partition).int64(p.offset).nullableString(p.metadata));
  });
}

export function readOffsetCommit(r: ByteReader): OffsetCommitResponse {
  r.int32(); // throttle_time_ms
  const topics = r.array((t) => ({ topic: t.string(), partitions: t.array((p) => ({ partition: p.int32(), errorCode: p.int16() })) }));
  return { topics };
}

export function writeOffsetFetch(w: ByteWriter, r: OffsetFetchRequest): void {
  w.string(r.groupId).nullableArray(r.topics, (tw, t) => tw.string(t.topic).array(t.partitions, (pw, p) => pw.int32(p)));
}

export function readOffsetFetch(r: ByteReader): OffsetFetchResponse {
  r.int32(); // throttle_time_ms
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), offset: p.int64(), metadata: p.nullableString(), errorCode: p.int16() })),
  }));
  return { topics, errorCode: r.int16() };
}

export function writeDescribeGroups(w: ByteWriter, groupIds: string[]): void {
  w.array(groupIds, (gw, g) => gw.string(g)).boolean(false); // include_authorized_operations
}

export function readDescribeGroups(r: ByteReader): DescribeGroupsResponse {
  r.int32(); // throttle_time_ms
  const groups = r.array((g) => {
    const errorCode = g.int16();
    const groupId = g.string();
    const state = g.string() as GroupState;
    const protocolType = g.string();
    const protocol = g.string();
    const members = g.array((m) => ({
      memberId: m.string(),
      groupInstanceId: m.nullableString(),
      clientId: m.string(),
      clientHost: m.string(),
      memberMetadata: copy(m.bytes()),
      memberAssignment: copy(m.bytes()),
    }));
    g.int32(); // authorized_operations
    return { errorCode, groupId, state, protocolType, protocol, members };
  });
  return { groups };
}

/** ListGroups v2 carries no group state; the caller fills it in (WireBroker asks DescribeGroups). */
export function readListGroups(r: ByteReader): { errorCode: number; groups: Array<{ groupId: string; protocolType: string }> } {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16(), groups: r.array((g) => ({ groupId: g.string(), protocolType: g.string() })) };
}

export function writeDeleteGroups(w: ByteWriter, groupIds: string[]): void {
  w.array(groupIds, (gw, g) => gw.string(g));
}

export function readDeleteGroups(r: ByteReader): DeleteGroupsResponse {
  r.int32(); // throttle_time_ms
  return { results: r.array((g) => ({ groupId: g.string(), errorCode: g.int16() })) };
}

export function writeCreateTopics(w: ByteWriter, r: CreateTopicsRequest): void {
  w.array(r.topics, (tw, t) => {
    tw.string(t.topic).int32(t.numPartitions).int16(t.replicationFactor);
    tw.array([], () => undefined); // manual replica assignments: none
    tw.array(t.configs, (cw, c) => cw.string(c.name).nullableString(c.value));
  });
  w.int32(r.timeoutMs).boolean(r.validateOnly);
}

export function readCreateTopics(r: ByteReader): CreateTopicsResponse {
  r.int32(); // throttle_time_ms
  return { topics: r.array((t) => ({ topic: t.string(), errorCode: t.int16(), errorMessage: t.nullableString() })) };
}

export function writeDeleteTopics(w: ByteWriter, r: DeleteTopicsRequest): void {
  w.array(r.topics, (tw, t) => tw.string(t)).int32(r.timeoutMs);
}

export function readDeleteTopics(r: ByteReader): DeleteTopicsResponse {
  r.int32(); // throttle_time_ms
  return { topics: r.array((t) => ({ topic: t.string(), errorCode: t.int16() })) };
}

export function writeCreatePartitions(w: ByteWriter, r: CreatePartitionsRequest): void {
  w.array(r.topics, (tw, t) => tw.string(t.topic).int32(t.count).nullableArray(null, () => undefined));
  w.int32(r.timeoutMs).boolean(r.validateOnly);
}

export function readCreatePartitions(r: ByteReader): CreatePartitionsResponse {
  r.int32(); // throttle_time_ms
  return { topics: r.array((t) => ({ topic: t.string(), errorCode: t.int16(), errorMessage: t.nullableString() })) };
}
