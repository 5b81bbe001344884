import {
  BrokerApi,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteGroupsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeGroupsResponse,
  ErrorCode,
  FetchRequest,
  FetchResponse,
  FindCoordinatorResponse,
  HeartbeatResponse,
  InitProducerIdResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  ProduceRequest,
  ProduceResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  readBatchHeader,
  writeInt64,
} from '@peak/protocol';

/**
 * A deliberately small in-memory BrokerApi for wire-layer unit tests: topics of stored
 * batches, long-poll fetch, and a one-member-at-a-time group. Not a broker: it exists so
 * the server's framing, ordering and codecs can be tested without the real one.
 */
export class StubBroker implements BrokerApi {
  readonly logs = new Map<string, Buffer[][]>();
  readonly committed = new Map<string, number>();
  readonly calls: string[] = [];
  /** Every produced partition's records exactly as the server handed them over (not copied). */
  readonly receivedRecords: Buffer[] = [];
  private readonly waiters = new Set<() => void>();
  private generation = 0;
  private member = '';
  private assignment: Buffer = Buffer.alloc(0);
  private nextMember = 0;

  constructor(private readonly autoCreate = true) {}

  /** Fetches parked right now, waiting for data (tests wait on this instead of sleeping). */
  get parkedFetches(): number {
    return this.waiters.size;
  }

  private ensure(topic: string, partitions = 1): Buffer[][] | undefined {
    let log = this.logs.get(topic);
    if (!log && this.autoCreate) {
      log = Array.from({ length: partitions }, () => []);
      this.logs.set(topic, log);
    }
    return log;
  }

  private end(batches: Buffer[]): number {
    if (batches.length === 0) return 0;
    const last = readBatchHeader(batches[batches.length - 1]);
    return last.baseOffset + last.lastOffsetDelta + 1;
  }

  async metadata(request: MetadataRequest): Promise<MetadataResponse> {
    this.calls.push('metadata');
    const names = request.topics ?? [...this.logs.keys()];
    const topics = names.map((topic) => {
      const log = request.allowAutoTopicCreation ? this.ensure(topic) : this.logs.get(topic);
      if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, isInternal: false, partitions: [] };
      const partitions = log.map((_, partition) => ({ errorCode: 0, partition, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] }));
      return { errorCode: 0, topic, isInternal: false, partitions };
    });
    return { brokers: [{ nodeId: 0, host: 'wrong-host', port: 1, rack: null }], clusterId: 'stub', controllerId: 0, topics };
  }

  async produce(request: ProduceRequest): Promise<ProduceResponse> {
    this.calls.push('produce');
    for (const t of request.topics) for (const p of t.partitions) this.receivedRecords.push(p.records);
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = this.ensure(t.topic)?.[p.partition];
        if (!log) return { partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
        const baseOffset = this.end(log);
        const batch = Buffer.from(p.records);
        writeInt64(batch, 0, baseOffset);
        log.push(batch);
        return { partition: p.partition, errorCode: 0, baseOffset, logAppendTimeMs: -1, logStartOffset: 0 };
      }),
    }));
    for (const wake of this.waiters) wake();
    return { topics, throttleTimeMs: 0 };
  }

  private collect(request: FetchRequest): { response: FetchResponse; bytes: number } {
    let bytes = 0;
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = this.logs.get(t.topic)?.[p.partition];
        if (!log) return { partition: p.partition, errorCode: 3, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null };
        const batches = log.filter((b) => {
          const h = readBatchHeader(b);
          return h.baseOffset + h.lastOffsetDelta >= p.fetchOffset;
        });
        const records = batches.length > 0 ? Buffer.concat(batches) : null;
        bytes += records?.length ?? 0;
        const hw = this.end(log);
        return { partition: p.partition, errorCode: 0, highWatermark: hw, lastStableOffset: hw, logStartOffset: 0, records };
      }),
    }));
    return { response: { throttleTimeMs: 0, errorCode: 0, topics }, bytes };
  }

  fetch(request: FetchRequest): Promise<FetchResponse> {
    this.calls.push('fetch');
    const first = this.collect(request);
    if (first.bytes >= Math.max(1, request.minBytes) || request.maxWaitMs <= 0) return Promise.resolve(first.response);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        request.signal?.removeEventListener('abort', finish);
        resolve(this.collect(request).response);
      };
      const wake = () => {
        if (this.collect(request).bytes >= Math.max(1, request.minBytes)) finish();
      };
      const timer = setTimeout(finish, request.maxWaitMs);
      this.waiters.add(wake);
      request.signal?.addEventListener('abort', finish);
    });
  }

  async listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = this.logs.get(t.topic)?.[p.partition];
        if (!log) return { partition: p.partition, errorCode: 3, timestamp: -1, offset: -1 };
        return { partition: p.partition, errorCode: 0, timestamp: -1, offset: p.timestamp === -2 ? 0 : this.end(log) };
      }),
    }));
    return { topics };
  }

  async findCoordinator(): Promise<FindCoordinatorResponse> {
    return { errorCode: 0, errorMessage: null, nodeId: 0, host: 'wrong-host', port: 1 };
  }

  async joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    if (request.memberId === '' && request.requireKnownMemberId) {
      return { errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, protocolName: '', leader: '', memberId: `m-${this.nextMember++}`, members: [] };
    }
    this.member = request.memberId || `m-${this.nextMember++}`;
    this.generation++;
    const protocol = request.protocols[0];
    return {
      errorCode: 0,
      generationId: this.generation,
      protocolName: protocol.name,
      leader: this.member,
      memberId: this.member,
      members: [{ memberId: this.member, groupInstanceId: null, metadata: protocol.metadata }],
    };
  }

  async syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const mine = request.assignments.find((a) => a.memberId === request.memberId);
    if (mine) this.assignment = mine.assignment;
    return { errorCode: 0, assignment: this.assignment };
  }

  async heartbeat(): Promise<HeartbeatResponse> {
    return { errorCode: 0 };
  }

  async leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    return { errorCode: 0, members: request.members.map((m) => ({ memberId: m.memberId, errorCode: 0 })) };
  }

  async offsetCommit(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        this.committed.set(`${request.groupId}/${t.topic}/${p.partition}`, p.offset);
        return { partition: p.partition, errorCode: 0 };
      }),
    }));
    return { topics };
  }

  async offsetFetch(request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    const topics = (request.topics ?? []).map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((partition) => ({
        partition,
        offset: this.committed.get(`${request.groupId}/${t.topic}/${partition}`) ?? -1,
        metadata: '',
        errorCode: 0,
      })),
    }));
    return { errorCode: 0, topics };
  }

  async describeGroups(request: { groupIds: string[] }): Promise<DescribeGroupsResponse> {
    return { groups: request.groupIds.map((groupId) => ({ errorCode: 0, groupId, state: 'Empty', protocolType: 'consumer', protocol: '', members: [] })) };
  }

  async listGroups(): Promise<ListGroupsResponse> {
    return { errorCode: 0, groups: [] };
  }

  async deleteGroups(request: { groupIds: string[] }): Promise<DeleteGroupsResponse> {
    return { results: request.groupIds.map((groupId) => ({ groupId, errorCode: 0 })) };
  }

  async createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    const topics = request.topics.map((t) => {
      if (this.logs.has(t.topic)) return { topic: t.topic, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: 'exists' };
      this.logs.set(t.topic, Array.from({ length: t.numPartitions < 1 ? 1 : t.numPartitions }, () => []));
      return { topic: t.topic, errorCode: 0, errorMessage: null };
    });
    return { topics };
  }

  async deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    return { topics: request.topics.map((topic) => ({ topic, errorCode: this.logs.delete(topic) ? 0 : 3 })) };
  }

  async createPartitions(): Promise<CreatePartitionsResponse> {
    return { topics: [] };
  }

  async initProducerId(): Promise<InitProducerIdResponse> {
    return { errorCode: 0, producerId: 1000, producerEpoch: 0 };
  }
}
