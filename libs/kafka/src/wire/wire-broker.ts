import type {
  BrokerApi,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteGroupsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeGroupsResponse,
  FetchRequest,
  FetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  InitProducerIdRequest,
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
} from '@peak/protocol';
import { ApiKey, ByteReader, ByteWriter } from '@peak/wire';
import { KafkaJSNonRetriableError } from '../errors';
import * as data from './wire-data.codec';
import * as group from './wire-group.codec';
import { WireSocket } from './wire-socket';

/** Idle connections kept for blocking requests (long-poll fetches, joins, syncs). */
export const MAX_IDLE_BLOCKING_CONNECTIONS = 8;

export interface WireBrokerOptions {
  /** `host:port` seeds; requests go to one of them (the first that answers). */
  brokers: string[];
  /** Sent in every request header. */
  clientId: string;
  connectTimeoutMs?: number;
}

function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new KafkaJSNonRetriableError(`Invalid broker address "${address}" (host:port)`);
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

function abortError(): Error {
  const error = new Error('The fetch was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * BrokerApi over TCP: lets @peak/kafka (`new Kafka({ clientId, broker: new WireBroker(...) })`)
 * talk to a broker process speaking the Kafka wire protocol (`npm run broker`) instead of an
 * in-process EmbeddedBroker.
 *
 * Single-broker clusters only: every request goes to the seed it is connected to, whatever
 * the metadata advertises (our broker is one node; a multi-broker Kafka needs kafkajs).
 * Requests that return at once (produce, metadata, offsets, heartbeats...) are pipelined on
 * one connection; requests the broker may hold (a long-poll fetch, a join or sync waiting
 * for a rebalance) each take a connection of their own, so they never delay the others.
 * A failed connection rejects its requests with a retriable KafkaJSConnectionError; the next
 * request connects again (the next seed after a failure). Safe to call concurrently.
 */
export class WireBroker implements BrokerApi {
  private readonly seeds: Array<{ host: string; port: number }>;
  private seed = 0;
  private control: WireSocket | null = null;
  private readonly idle: WireSocket[] = [];
  private readonly open = new Set<WireSocket>();
  private closed = false;

  constructor(private readonly options: WireBrokerOptions) {
    if (!options.brokers || options.brokers.length === 0) throw new KafkaJSNonRetriableError('WireBroker needs at least one broker address');
    this.seeds = options.brokers.map(parseAddress);
  }

  metadata(request: MetadataRequest): Promise<MetadataResponse> {
    return this.call(ApiKey.Metadata, data.WireVersions.Metadata, (w) => data.writeMetadata(w, request), data.readMetadata);
  }

  /** With acks=0 the broker sends no response: resolves (with no partitions) once the request is written. */
  produce(request: ProduceRequest): Promise<ProduceResponse> {
    if (request.acks !== 0) return this.call(ApiKey.Produce, data.WireVersions.Produce, (w) => data.writeProduce(w, request), data.readProduce);
    if (this.closed) return Promise.reject(new KafkaJSNonRetriableError('The broker client is closed'));
    return this.shared()
      .request(ApiKey.Produce, data.WireVersions.Produce, this.options.clientId, (w) => data.writeProduce(w, request), false)
      .then(() => ({ topics: [], throttleTimeMs: 0 }));
  }

  fetch(request: FetchRequest): Promise<FetchResponse> {
    return this.callBlocking(ApiKey.Fetch, data.WireVersions.Fetch, null, (w) => data.writeFetch(w, request), data.readFetch, request.signal);
  }

  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    return this.call(ApiKey.ListOffsets, data.WireVersions.ListOffsets, (w) => data.writeListOffsets(w, request), data.readListOffsets);
  }

  findCoordinator(request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
    return this.call(ApiKey.FindCoordinator, group.WireGroupVersions.FindCoordinator, (w) => group.writeFindCoordinator(w, request), group.readFindCoordinator);
  }

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const version = request.requireKnownMemberId ? group.WireGroupVersions.JoinGroupKnownMemberId : group.WireGroupVersions.JoinGroupLegacy;
    return this.callBlocking(ApiKey.JoinGroup, version, request.clientId, (w) => group.writeJoinGroup(w, request, version), (r) => group.readJoinGroup(r, version));
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.callBlocking(ApiKey.SyncGroup, group.WireGroupVersions.SyncGroup, null, (w) => group.writeSyncGroup(w, request), group.readSyncGroup);
  }

  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.call(ApiKey.Heartbeat, group.WireGroupVersions.Heartbeat, (w) => group.writeHeartbeat(w, request), group.readHeartbeat);
  }

  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    return this.call(ApiKey.LeaveGroup, group.WireGroupVersions.LeaveGroup, (w) => group.writeLeaveGroup(w, request), group.readLeaveGroup);
  }

  offsetCommit(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    return this.call(ApiKey.OffsetCommit, group.WireGroupVersions.OffsetCommit, (w) => group.writeOffsetCommit(w, request), group.readOffsetCommit);
  }

  offsetFetch(request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    return this.call(ApiKey.OffsetFetch, group.WireGroupVersions.OffsetFetch, (w) => group.writeOffsetFetch(w, request), group.readOffsetFetch);
  }

  describeGroups(request: { groupIds: string[] }): Promise<DescribeGroupsResponse> {
    return this.call(ApiKey.DescribeGroups, group.WireGroupVersions.DescribeGroups, (w) => group.writeDescribeGroups(w, request.groupIds), group.readDescribeGroups);
  }

  /** ListGroups, then DescribeGroups for the states (ListGroups before v4 does not carry them). */
  async listGroups(): Promise<ListGroupsResponse> {
    const listed = await this.call(ApiKey.ListGroups, group.WireGroupVersions.ListGroups, () => undefined, group.readListGroups);
    if (listed.errorCode !== 0 || listed.groups.length === 0) return { errorCode: listed.errorCode, groups: [] };
    const described = await this.describeGroups({ groupIds: listed.groups.map((g) => g.groupId) });
    const states = new Map(described.groups.map((g) => [g.groupId, g.state]));
    return {
      errorCode: 0,
      groups: listed.groups.filter((g) => states.has(g.groupId)).map((g) => ({ ...g, state: states.get(g.groupId) ?? 'Dead' })),
    };
  }

  deleteGroups(request: { groupIds: string[] }): Promise<DeleteGroupsResponse> {
    return this.call(ApiKey.DeleteGroups, group.WireGroupVersions.DeleteGroups, (w) => group.writeDeleteGroups(w, request.groupIds), group.readDeleteGroups);
  }

  createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    return this.call(ApiKey.CreateTopics, group.WireGroupVersions.CreateTopics, (w) => group.writeCreateTopics(w, request), group.readCreateTopics);
  }

  deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    return this.call(ApiKey.DeleteTopics, group.WireGroupVersions.DeleteTopics, (w) => group.writeDeleteTopics(w, request), group.readDeleteTopics);
  }

  createPartitions(request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    return this.call(ApiKey.CreatePartitions, group.WireGroupVersions.CreatePartitions, (w) => group.writeCreatePartitions(w, request), group.readCreatePartitions);
  }

  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return this.call(ApiKey.InitProducerId, data.WireVersions.InitProducerId, (w) => data.writeInitProducerId(w, request), data.readInitProducerId);
  }

  /** Connections open now (the shared one and the blocking ones, busy or idle). */
  get connections(): number {
    return this.open.size;
  }

  /** Closes every connection; requests still waiting reject; later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const socket of [...this.open]) socket.close();
    this.idle.length = 0;
    this.control = null;
  }

  /** A request on the shared, pipelined connection. */
  private call<T>(apiKey: number, version: number, write: (w: ByteWriter) => void, read: (r: ByteReader) => T): Promise<T> {
    if (this.closed) return Promise.reject(new KafkaJSNonRetriableError('The broker client is closed'));
    return this.shared().request(apiKey, version, this.options.clientId, write).then(read);
  }

  /** The pipelined connection, opened again when the last one died. */
  private shared(): WireSocket {
    if (!this.control || !this.control.alive) this.control = this.connect();
    return this.control;
  }

  /** A request on a connection of its own, returned to the idle set once answered. */
  private callBlocking<T>(
    apiKey: number,
    version: number,
    clientId: string | null,
    write: (w: ByteWriter) => void,
    read: (r: ByteReader) => T,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new KafkaJSNonRetriableError('The broker client is closed'));
    if (signal?.aborted) return Promise.reject(abortError());
    let socket = this.idle.pop();
    while (socket && !socket.alive) socket = this.idle.pop();
    const lane = socket ?? this.connect();
    const answered = lane.request(apiKey, version, clientId ?? this.options.clientId, write).then((body) => {
      this.release(lane);
      return read(body);
    });
    if (!signal) return answered;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      answered.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private release(socket: WireSocket): void {
    if (this.closed || !socket.alive || socket.inFlight > 0) return;
    if (this.idle.length < MAX_IDLE_BLOCKING_CONNECTIONS) this.idle.push(socket);
    else socket.close();
  }

  private connect(): WireSocket {
    const seed = this.seeds[this.seed];
    const socket = new WireSocket({ host: seed.host, port: seed.port, connectTimeoutMs: this.options.connectTimeoutMs });
    this.open.add(socket);
    socket.whenDead(() => {
      this.open.delete(socket);
      // A connection that never came up moves the next attempt to the next seed.
      if (!socket.wasConnected) this.seed = (this.seed + 1) % this.seeds.length;
    });
    return socket;
  }
}
