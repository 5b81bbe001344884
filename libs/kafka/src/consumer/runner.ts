import { EARLIEST_TIMESTAMP, ErrorCode, FetchPartitionResponse, LATEST_TIMESTAMP } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { createErrorFromCode, isProtocolErrorOfType, isRebalancing, KafkaJSError, KafkaJSNotImplemented } from '../errors';
import { ConsumerEventNames, InstrumentationEmitter } from '../instrumentation';
import type { Logger } from '../logger/logger';
import { createRetry, Retrier, RetryOptions } from '../retry';
import type { EachBatchHandler, EachMessageHandler } from '../types/consumer.types';
import { BackgroundCommit } from './background-commit';
import { BackgroundHeartbeat } from './background-heartbeat';
import { BatchHandler } from './batch-handler';
import { ConsumerGroup } from './consumer-group';
import { fetchTargets } from './fetch-targets';
import { OffsetManager } from './offset-manager';
import { PendingSeeks } from './pending-seeks';
import { PartitionFetch } from './partition-fetch';
import { PauseState } from './pause-state';
import { Wakeup } from './wakeup';

export interface FetchSettings {
  maxWaitTimeInMs: number;
  minBytes: number;
  maxBytes: number;
  maxBytesPerPartition: number;
  isolationLevel: number;
}

export interface RunnerOptions {
  client: BrokerClient;
  cluster: Cluster;
  group: ConsumerGroup;
  offsets: OffsetManager;
  pauses: PauseState;
  emitter: InstrumentationEmitter;
  logger: Logger;
  subscribedTopics: string[];
  fromBeginning: (topic: string) => boolean;
  fetch: FetchSettings;
  heartbeatInterval: number;
  /**
   * How long the handlers may go without progress (no message handled, no offset resolved)
   * and still be kept alive by the heartbeat timer (the consumer's rebalanceTimeout, as
   * Kafka's max.poll.interval.ms): a handler stuck longer stops heartbeating, so its
   * session expires and the group moves its partitions.
   */
  maxProcessingMs: number;
  retry?: RetryOptions;
  autoCommit: boolean;
  eachBatchAutoResolve: boolean;
  concurrency: number;
  eachMessage?: EachMessageHandler;
  eachBatch?: EachBatchHandler;
  /** Called (once, after the loop has ended) when retries ran out or a fatal error hit. */
  onCrash: (e: Error) => void;
}

/**
 * eachBatch is handed a partition's fetched records in parts of at most this many bytes
 * (whole stored batches, at least one), so the messages of one call stay few enough to die
 * young. Parts after the first are handed over only while the consumer moves through them
 * (resolved, no seek).
 */
export const EACH_BATCH_MAX_BYTES = 1 << 20;


/**
 * The consumer's fetch loop: Fetch (long poll) for assigned, unpaused partitions at their
 * positions, hand each partition's batch to the BatchHandler (up to `concurrency`
 * partitions at once, one batch per partition at a time, so per-partition order holds),
 * heartbeat and commit. While batches are processed a timer of its own heartbeats, so a slow
 * handler keeps the session; the commit after a batch runs in the background, overlapping
 * the next fetch (one commit in flight at a time). Rebalance errors rejoin; other failures are retried with kafkajs's
 * retry policy and, when that runs out, reported through onCrash. stop() ends an in-flight
 * long poll at once (AbortSignal) and waits for the handler in progress.
 */
export class Runner {
  private running = false;
  private loopDone: Promise<void> | null = null;
  private fetchAbort: AbortController | null = null;
  private readonly wakeup = new Wakeup();
  private readonly pendingSeeks = new PendingSeeks();
  private readonly retrier: Retrier;
  private readonly handler: BatchHandler;
  private readonly heartbeats: BackgroundHeartbeat;
  private readonly commits: BackgroundCommit;

  constructor(private readonly options: RunnerOptions) {
    this.retrier = createRetry(options.retry);
    this.commits = new BackgroundCommit(() => options.offsets.commitOffsets());
    this.heartbeats = new BackgroundHeartbeat(() => options.group.heartbeat(), options.heartbeatInterval, options.maxProcessingMs, () =>
      options.logger.warn('A handler has run longer than rebalanceTimeout: heartbeats stop until it returns, so the session can expire', { groupId: options.group.groupId }),
    );
    this.handler = new BatchHandler(options, {
      isRunning: () => this.running,
      hasPendingSeek: (topic, partition) => this.pendingSeeks.has(topic, partition),
      heartbeat: () => this.heartbeat(),
      autoCommit: () => this.autoCommit(),
      autoCommitInBackground: () => {
        if (options.autoCommit) this.commits.request();
      },
      heartbeatFailure: () => this.heartbeats.failure,
      progress: () => this.heartbeats.progress(),
    });
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Joins the group, loads offsets, then starts the loop in the background. */
  async start(): Promise<void> {
    await this.joinAndSync();
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops fetching (aborting a long poll), waits for the current handler, commits, leaves. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.fetchAbort?.abort();
    this.wakeup.wake();
    if (this.loopDone) await this.loopDone;
    this.loopDone = null;
    await this.commits.settle();
    this.commits.take();
    if (wasRunning) {
      await this.autoCommit().catch(() => undefined);
    }
    await this.options.group.leave().catch((e: unknown) => this.options.logger.debug('LeaveGroup failed', { error: (e as Error).message }));
  }

  /** Queues a seek; applied before the next fetch (an in-flight long poll is cut short). */
  seek(topic: string, partition: number, offset: string): void {
    this.pendingSeeks.add(topic, partition, offset);
    this.interrupt();
  }

  /** Cuts the current long poll short so changed pauses/seeks take effect now. */
  interrupt(): void {
    this.fetchAbort?.abort();
    this.wakeup.wake();
  }

  /** Heartbeat when due; on a rebalance error, commit what was resolved, then rethrow. */
  async heartbeat(): Promise<void> {
    try {
      await this.options.group.heartbeat();
    } catch (e) {
      if (isRebalancing(e)) await this.autoCommit().catch(() => undefined);
      throw e;
    }
  }

  async autoCommit(): Promise<void> {
    if (!this.options.autoCommit) return;
    await this.commits.settle();
    await this.options.offsets.commitOffsets();
  }

  /** Commits explicit offsets (consumer.commitOffsets) with retries. */
  commitOffsets(offsets: Parameters<OffsetManager['commitOffsets']>[0]): Promise<void> {
    return this.retrier(async (bail) => {
      try {
        await this.options.offsets.commitOffsets(offsets);
      } catch (e) {
        if (e instanceof KafkaJSNotImplemented) bail(e);
        throw e;
      }
    });
  }

  private async joinAndSync(): Promise<void> {
    const { group, offsets, subscribedTopics, fromBeginning } = this.options;
    await this.retrier(async () => {
      try {
        await group.joinAndSync(subscribedTopics);
        await offsets.assign(group.assignment, fromBeginning);
      } catch (e) {
        if (isProtocolErrorOfType(e, 'UNKNOWN_MEMBER_ID')) group.memberId = '';
        if (isRebalancing(e) || isProtocolErrorOfType(e, 'UNKNOWN_MEMBER_ID')) throw new KafkaJSError(e as Error, { cause: e as Error });
        throw e;
      }
    });
  }

  private async loop(): Promise<void> {
    let crash: Error | null = null;
    while (this.running) {
      try {
        await this.retrier(async (bail, retryCount) => {
          while (this.running) {
            try {
              await this.fetchCycle();
              if (retryCount > 0) return; // recovered: start a fresh retry budget
            } catch (e) {
              if (!this.running) return;
              if (isRebalancing(e) || isProtocolErrorOfType(e, 'UNKNOWN_MEMBER_ID')) {
                await this.rejoin(e as Error);
                continue;
              }
              if (e instanceof KafkaJSNotImplemented) return bail(e);
              this.options.logger.debug('Fetch cycle failed, retrying', { error: (e as Error).message, retryCount });
              throw e;
            }
          }
        });
      } catch (e) {
        if (!this.running) break;
        crash = e as Error;
        this.running = false;
      }
    }
    if (crash) {
      const error = crash;
      queueMicrotask(() => this.options.onCrash(error));
    }
  }

  private async rejoin(cause: Error): Promise<void> {
    const { group, emitter, logger } = this.options;
    logger.warn('The group is rebalancing, re-joining', { groupId: group.groupId, memberId: group.memberId, error: cause.message });
    await this.commits.settle();
    this.commits.take();
    if (isProtocolErrorOfType(cause, 'UNKNOWN_MEMBER_ID')) group.memberId = '';
    else await this.autoCommit().catch(() => undefined);
    emitter.emit(ConsumerEventNames.REBALANCING, { groupId: group.groupId, memberId: group.memberId });
    await this.joinAndSync();
  }

  private async fetchCycle(): Promise<void> {
    const { group, offsets, pauses, emitter, fetch } = this.options;
    const commitFailure = this.commits.take();
    if (commitFailure) throw commitFailure;
    if (this.pendingSeeks.size > 0) await this.pendingSeeks.apply(offsets);
    const { topics, positions } = fetchTargets(group.assignment, pauses, offsets, fetch.maxBytesPerPartition);
    if (topics.length === 0) {
      await this.heartbeat();
      await this.wakeup.wait(Math.min(this.options.heartbeatInterval, fetch.maxWaitTimeInMs));
      return;
    }

    const controller = new AbortController();
    this.fetchAbort = controller;
    const startedAt = Date.now();
    emitter.emit(ConsumerEventNames.FETCH_START, { nodeId: 0 });
    let response;
    try {
      response = await this.options.client.send('fetch', (b) =>
        b.fetch({ maxWaitMs: fetch.maxWaitTimeInMs, minBytes: fetch.minBytes, maxBytes: fetch.maxBytes, isolationLevel: fetch.isolationLevel, topics, signal: controller.signal }),
      );
    } catch (e) {
      if (controller.signal.aborted) return;
      throw e;
    } finally {
      this.fetchAbort = null;
    }
    if (!this.running || controller.signal.aborted) return;
    if (response.errorCode !== 0) throw createErrorFromCode(response.errorCode);

    // eachBatch gets a large partition fetch in parts, so one call's messages stay short-lived.
    const partBytes = this.options.eachBatch ? EACH_BATCH_MAX_BYTES : Infinity;
    const batches: PartitionFetch[] = [];
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const requested = positions.get(`${t.topic}|${p.partition}`);
        if (requested === undefined || offsets.position(t.topic, p.partition) !== requested) continue;
        if (p.errorCode !== 0) {
          await this.handlePartitionError(t.topic, p);
          continue;
        }
        if (!p.records || p.records.length === 0) continue;
        batches.push(new PartitionFetch(t.topic, p.partition, requested, p.highWatermark, p.records, partBytes));
      }
    }
    emitter.emit(ConsumerEventNames.FETCH, { numberOfBatches: batches.length, duration: Date.now() - startedAt, nodeId: 0 });
    if (batches.length === 0) {
      await this.heartbeat();
      return;
    }
    await this.processBatches(batches);
  }

  /** Runs the handlers with the heartbeat timer on; a heartbeat failure is thrown once they are done. */
  private async processBatches(batches: PartitionFetch[]): Promise<void> {
    this.heartbeats.start();
    try {
      await this.handleBatches(batches);
    } catch (e) {
      await this.heartbeats.stop();
      this.heartbeats.take();
      throw e;
    }
    await this.heartbeats.stop();
    const failure = this.heartbeats.take();
    if (failure) throw failure;
  }

  private async handleBatches(batches: PartitionFetch[]): Promise<void> {
    const concurrency = Math.max(1, this.options.concurrency);
    // Batches are taken off the list as they are handled, so a handled partition's decoded
    // messages can be collected while the next one runs.
    if (concurrency === 1 || batches.length === 1) {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        if (!this.running) return;
        await this.handler.handleParts(batch);
      }
      return;
    }
    const worker = async (): Promise<void> => {
      for (let batch = batches.shift(); batch && this.running; batch = batches.shift()) await this.handler.handleParts(batch);
    };
    const workers = Math.min(concurrency, batches.length);
    const results = await Promise.allSettled(Array.from({ length: workers }, worker));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async handlePartitionError(topic: string, p: FetchPartitionResponse): Promise<void> {
    const { offsets, cluster, logger, fromBeginning } = this.options;
    if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      logger.warn('Offset out of range, resetting to the default offset', { topic, partition: p.partition });
      await offsets.moveToListedOffsets([{ topic, partitions: [{ partition: p.partition, timestamp: fromBeginning(topic) ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP }] }]);
      return;
    }
    const error = createErrorFromCode(p.errorCode);
    if (!error.retriable) throw error;
    await cluster.refreshMetadata().catch(() => undefined);
  }
}
