/**
 * The broker's API, shaped like Kafka's request/response pairs but as plain objects.
 *
 * Two callers use the same methods: the in-process kafkajs-compatible client calls them
 * directly, and the wire server decodes Kafka frames into these requests and encodes the
 * responses back. Offsets, timestamps and producer ids are JS numbers (int64 values stay
 * below 2^53). Record data is always RecordBatch v2 bytes, as stored and as on the wire.
 *
 * Errors that belong to one topic, partition or group come back as `errorCode` fields
 * (see ErrorCode); a method rejects only when the broker itself failed.
 */

export type Acks = -1 | 0 | 1;

// ---- Metadata (3) ----
export interface MetadataRequest {
  /** null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}
export interface BrokerDescription {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
export interface PartitionMetadata {
  errorCode: number;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}
export interface TopicMetadata {
  errorCode: number;
  topic: string;
  isInternal: boolean;
  partitions: PartitionMetadata[];
}
export interface MetadataResponse {
  brokers: BrokerDescription[];
  clusterId: string;
  controllerId: number;
  topics: TopicMetadata[];
}

// ---- Produce (0) ----
export interface ProducePartitionData {
  partition: number;
  /** One or more RecordBatch v2, concatenated. */
  records: Buffer;
  /**
   * Set by a caller that has already checked the CRC-32C of every batch in exactly these
   * bytes and will not change them (the wire server does, to reject a corrupt batch before
   * the broker sees it): the broker then checks the framing but does not compute the CRC
   * again. Unset (in-process clients): the broker checks the CRC itself.
   */
  crcVerified?: boolean;
}
export interface ProduceRequest {
  transactionalId: string | null;
  acks: Acks;
  timeoutMs: number;
  topics: Array<{ topic: string; partitions: ProducePartitionData[] }>;
}
export interface ProducePartitionResponse {
  partition: number;
  errorCode: number;
  baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number;
  logStartOffset: number;
  errorMessage?: string | null;
}
export interface ProduceResponse {
  topics: Array<{ topic: string; partitions: ProducePartitionResponse[] }>;
  throttleTimeMs: number;
}

// ---- Fetch (1) ----
export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}
export interface FetchRequest {
  /** Long poll: wait up to this long for minBytes to arrive. */
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 0 READ_UNCOMMITTED, 1 READ_COMMITTED (identical here: no transactions are open). */
  isolationLevel: number;
  topics: Array<{ topic: string; partitions: FetchPartitionRequest[] }>;
  /** In-process only: ends the long poll early (consumer stop). */
  signal?: AbortSignal;
}
export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /**
   * Whole stored batches starting with the one holding fetchOffset (so it may begin
   * below fetchOffset, as in Kafka); null or empty when there is nothing to return.
   */
  records: Buffer | null;
}
export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  topics: Array<{ topic: string; partitions: FetchPartitionResponse[] }>;
}

// ---- ListOffsets (2) ----
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export interface ListOffsetsRequest {
  isolationLevel: number;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }>;
}
export interface ListOffsetsResponse {
  topics: Array<{
    topic: string;
    partitions: Array<{ partition: number; errorCode: number; timestamp: number; offset: number }>;
  }>;
}

// ---- FindCoordinator (10) ----
export interface FindCoordinatorRequest {
  key: string;
  /** 0 group, 1 transaction. */
  keyType: number;
}
export interface FindCoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

// ---- JoinGroup (11) ----
export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** '' on the first join. */
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  /** From the request header / connection; shown by describeGroups. */
  clientId: string;
  clientHost: string;
  /**
   * JoinGroup v4+: a new member without an id first gets MEMBER_ID_REQUIRED and its
   * assigned id, then rejoins with it. Older callers get an id in the same round.
   */
  requireKnownMemberId: boolean;
}
export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}
export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Filled for the leader only. */
  members: JoinGroupMember[];
}

// ---- SyncGroup (14) ----
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** Only the leader sends assignments. */
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}
export interface SyncGroupResponse {
  errorCode: number;
  assignment: Buffer;
}

// ---- Heartbeat (12) ----
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}
export interface HeartbeatResponse {
  errorCode: number;
}

// ---- LeaveGroup (13) ----
export interface LeaveGroupRequest {
  groupId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null }>;
}
export interface LeaveGroupResponse {
  errorCode: number;
  members: Array<{ memberId: string; errorCode: number }>;
}

// ---- OffsetCommit (8) ----
export interface OffsetCommitRequest {
  groupId: string;
  /** -1 with memberId '' commits outside any generation (allowed only when the group is empty). */
  generationId: number;
  memberId: string;
  topics: Array<{
    topic: string;
    partitions: Array<{ partition: number; offset: number; metadata: string | null }>;
  }>;
}
export interface OffsetCommitResponse {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number }> }>;
}

// ---- OffsetFetch (9) ----
export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition the group has committed. */
  topics: Array<{ topic: string; partitions: number[] }> | null;
}
export interface OffsetFetchResponse {
  errorCode: number;
  topics: Array<{
    topic: string;
    /** offset -1 = nothing committed. */
    partitions: Array<{ partition: number; offset: number; metadata: string | null; errorCode: number }>;
  }>;
}

// ---- DescribeGroups (15), ListGroups (16), DeleteGroups (42) ----
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  members: DescribedGroupMember[];
}
export interface DescribeGroupsResponse {
  groups: DescribedGroup[];
}
export interface ListGroupsResponse {
  errorCode: number;
  groups: Array<{ groupId: string; protocolType: string; state: GroupState }>;
}
export interface DeleteGroupsResponse {
  results: Array<{ groupId: string; errorCode: number }>;
}

// ---- CreateTopics (19), DeleteTopics (20), CreatePartitions (37) ----
export interface CreatableTopic {
  topic: string;
  /** -1 = broker default. */
  numPartitions: number;
  replicationFactor: number;
  configs: Array<{ name: string; value: string | null }>;
}
export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}
export interface CreateTopicsResponse {
  topics: Array<{ topic: string; errorCode: number; errorMessage: string | null }>;
}
export interface DeleteTopicsRequest {
  topics: string[];
  timeoutMs: number;
}
export interface DeleteTopicsResponse {
  topics: Array<{ topic: string; errorCode: number }>;
}
export interface CreatePartitionsRequest {
  topics: Array<{ topic: string; count: number }>;
  timeoutMs: number;
  validateOnly: boolean;
}
export interface CreatePartitionsResponse {
  topics: Array<{ topic: string; errorCode: number; errorMessage: string | null }>;
}

// ---- InitProducerId (22) ----
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}
export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

// ---- DescribeConfigs (32) ----
/** Kafka's config resource types (ConfigResource.Type). */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const;
export interface DescribeConfigsRequest {
  resources: Array<{
    resourceType: number;
    resourceName: string;
    /** null = every config of the resource. */
    configNames: string[] | null;
  }>;
}
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** true when the value is the broker's default, not an override set on the resource. */
  isDefault: boolean;
  isSensitive: boolean;
}
export interface DescribeConfigsResponse {
  results: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
    configs: DescribedConfig[];
  }>;
}

/** Everything a client can ask of the broker. */
export interface BrokerApi {
  metadata(request: MetadataRequest): Promise<MetadataResponse>;
  produce(request: ProduceRequest): Promise<ProduceResponse>;
  fetch(request: FetchRequest): Promise<FetchResponse>;
  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse>;
  findCoordinator(request: FindCoordinatorRequest): Promise<FindCoordinatorResponse>;
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse>;
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse>;
  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse>;
  offsetCommit(request: OffsetCommitRequest): Promise<OffsetCommitResponse>;
  offsetFetch(request: OffsetFetchRequest): Promise<OffsetFetchResponse>;
  describeGroups(request: { groupIds: string[] }): Promise<DescribeGroupsResponse>;
  listGroups(): Promise<ListGroupsResponse>;
  deleteGroups(request: { groupIds: string[] }): Promise<DeleteGroupsResponse>;
  createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse>;
  deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse>;
  createPartitions(request: CreatePartitionsRequest): Promise<CreatePartitionsResponse>;
  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse>;
  /**
   * Optional: topic and broker configs (admin tools, librdkafka and Java clients read them).
   * A server whose broker lacks it answers DescribeConfigs with UNSUPPORTED_VERSION per resource.
   */
  describeConfigs?(request: DescribeConfigsRequest): Promise<DescribeConfigsResponse>;
  /**
   * Optional: the topic's persistent ID (canonical UUID string), undefined when no such topic.
   * Served by Metadata v10+ and used by Fetch v13+; without it the wire server derives IDs
   * from names (stable while the process runs, not across a delete and re-create).
   */
  topicIdOf?(name: string): string | undefined;
  /** Optional: the topic holding `id`, undefined when none does. */
  topicNameOf?(id: string): string | undefined;
}
