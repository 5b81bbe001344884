import type { BrokerApi } from '@peak/protocol';
import { KafkaJSConnectionError, KafkaJSError, KafkaJSRequestTimeoutError } from '../errors';
import { InstrumentationEmitter, NetworkEventNames } from '../instrumentation';

/** Kafka API keys, for REQUEST events (same numbers as on the wire). */
export const ApiKeys = {
  produce: 0,
  fetch: 1,
  listOffsets: 2,
  metadata: 3,
  offsetCommit: 8,
  offsetFetch: 9,
  findCoordinator: 10,
  joinGroup: 11,
  heartbeat: 12,
  leaveGroup: 13,
  syncGroup: 14,
  describeGroups: 15,
  listGroups: 16,
  createTopics: 19,
  deleteTopics: 20,
  initProducerId: 22,
  createPartitions: 37,
  deleteGroups: 42,
} as const;
export type ApiName = keyof typeof ApiKeys;

const API_DISPLAY_NAMES: Record<ApiName, string> = {
  produce: 'Produce', fetch: 'Fetch', listOffsets: 'ListOffsets', metadata: 'Metadata',
  offsetCommit: 'OffsetCommit', offsetFetch: 'OffsetFetch', findCoordinator: 'GroupCoordinator',
  joinGroup: 'JoinGroup', heartbeat: 'Heartbeat', leaveGroup: 'LeaveGroup', syncGroup: 'SyncGroup',
  describeGroups: 'DescribeGroups', listGroups: 'ListGroups', createTopics: 'CreateTopics',
  deleteTopics: 'DeleteTopics', initProducerId: 'InitProducerId', createPartitions: 'CreatePartitions',
  deleteGroups: 'DeleteGroups',
};

/** Requests that may legitimately wait longer than requestTimeout (long poll, rebalance). */
const UNTIMED: ReadonlySet<ApiName> = new Set<ApiName>(['fetch', 'joinGroup', 'syncGroup']);

export const IN_PROCESS_BROKER = 'in-process:0';
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

export interface BrokerClientOptions {
  clientId: string;
  requestTimeout?: number;
  enforceRequestTimeout?: boolean;
  emitter: InstrumentationEmitter;
  events: NetworkEventNames<string>;
}

/**
 * The client's only door to the broker. Every call: a REQUEST event when someone listens,
 * a request timeout (except long polls), and a broker failure (rejection that is not a
 * KafkaJS error) turned into a retriable KafkaJSConnectionError. Safe to call concurrently.
 */
export class BrokerClient {
  private correlationId = 0;
  private readonly requestTimeout: number;
  private readonly enforceTimeout: boolean;

  constructor(readonly broker: BrokerApi, private readonly options: BrokerClientOptions) {
    this.requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
    this.enforceTimeout = options.enforceRequestTimeout ?? true;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** Runs one request against the broker. */
  send<T>(api: ApiName, invoke: (broker: BrokerApi) => Promise<T>): Promise<T> {
    const correlationId = this.correlationId++;
    const instrument = this.options.emitter.hasListeners(this.options.events.REQUEST);
    const createdAt = instrument ? Date.now() : 0;
    let promise: Promise<T>;
    try {
      promise = invoke(this.broker);
    } catch (e) {
      promise = Promise.reject(e);
    }
    if (this.enforceTimeout && !UNTIMED.has(api)) promise = this.withTimeout(api, promise, correlationId);
    promise = promise.catch((e: unknown) => {
      throw toClientError(e);
    });
    if (!instrument) return promise;
    return promise.then((response) => {
      this.options.emitter.emit(this.options.events.REQUEST, {
        apiKey: ApiKeys[api],
        apiName: API_DISPLAY_NAMES[api],
        apiVersion: 0,
        broker: IN_PROCESS_BROKER,
        clientId: this.options.clientId,
        correlationId,
        createdAt,
        sentAt: createdAt,
        pendingDuration: 0,
        duration: Date.now() - createdAt,
        size: 0,
      });
      return response;
    });
  }

  private withTimeout<T>(api: ApiName, promise: Promise<T>, correlationId: number): Promise<T> {
    const createdAt = Date.now();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const metadata = { broker: IN_PROCESS_BROKER, clientId: this.options.clientId, correlationId, createdAt, sentAt: createdAt, pendingDuration: 0 };
        this.options.emitter.emit(this.options.events.REQUEST_TIMEOUT, { apiKey: ApiKeys[api], apiName: API_DISPLAY_NAMES[api], apiVersion: 0, ...metadata });
        reject(new KafkaJSRequestTimeoutError(`Request ${API_DISPLAY_NAMES[api]} timed out`, metadata));
      }, this.requestTimeout);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}

/** Maps a broker-side failure to the error kafkajs users expect from a lost connection. */
export function toClientError(e: unknown): Error {
  if (e instanceof KafkaJSError) return e;
  if (e instanceof Error && e.name === 'AbortError') return e;
  const cause = e instanceof Error ? e : new Error(String(e));
  return new KafkaJSConnectionError(`Broker request failed: ${cause.message}`, { broker: IN_PROCESS_BROKER, cause });
}
