import { ConsumerEventNames, InstrumentationEmitter } from '../instrumentation';
import type { Logger } from '../logger/logger';
import type { EachBatchHandler, EachBatchPayload, EachMessageHandler, IBatchProcessEvent } from '../types/consumer.types';
import type { Offsets } from '../types/metadata.types';
import { FetchedBatch, FetchedMessage } from './batch';
import { ConsumerGroup } from './consumer-group';
import { OffsetManager } from './offset-manager';
import { PartitionFetch } from './partition-fetch';
import { PauseState } from './pause-state';

/** What the batch handler needs to know about the runner's state. */
export interface RunnerState {
  isRunning(): boolean;
  /** A seek for this partition is waiting: the current batch is stale. */
  hasPendingSeek(topic: string, partition: number): boolean;
  /** Heartbeat (when due); on a rebalance error commits what was resolved first, then rethrows. */
  heartbeat(): Promise<void>;
  /** Commits resolved offsets when autoCommit is on. */
  autoCommit(): Promise<void>;
  /**
   * Starts committing resolved offsets when autoCommit is on, without waiting: the next
   * fetch overlaps the commit (and the broker's fsync behind it); a failure surfaces at the
   * next fetch cycle.
   */
  autoCommitInBackground(): void;
  /** A background heartbeat failed (rebalance, fenced member): processing must stop and rethrow it. */
  heartbeatFailure(): Error | null;
  /** The handlers moved on (a message handled, an offset resolved): keeps the heartbeat timer going. */
  progress(): void;
}

export interface BatchHandlerOptions {
  group: ConsumerGroup;
  offsets: OffsetManager;
  pauses: PauseState;
  emitter: InstrumentationEmitter;
  logger: Logger;
  eachMessage?: EachMessageHandler;
  eachBatch?: EachBatchHandler;
  eachBatchAutoResolve: boolean;
  autoCommit: boolean;
}

/**
 * Hands one fetched batch to the user's eachMessage/eachBatch, with kafkajs's semantics:
 * offsets are resolved as messages succeed; a throwing handler leaves its message
 * unresolved (resolved offsets before it are committed) and the error propagates, so the
 * message is fetched and delivered again; processing stops early when the consumer
 * stops, the partition is paused, a seek is pending or the generation changed (partition
 * revoked). Heartbeats while a batch is processed come from the runner's own timer, not
 * from the message loop. eachMessage decodes one stored batch at a time and allocates per
 * message only the message (and its views) and the payload object.
 */
export class BatchHandler {
  constructor(private readonly options: BatchHandlerOptions, private readonly state: RunnerState) {}

  /**
   * Handles the parts of one partition's fetch in order. A part after the first is handled
   * only if the consumer moved through the one before (position right after it, no seek
   * pending); otherwise the next fetch starts from the position. Each part is created
   * right before it is handled and dropped before the next.
   */
  async handleParts(fetched: PartitionFetch): Promise<void> {
    const { offsets } = this.options;
    let expected = -1;
    for (let part = fetched.next(); part; part = fetched.next()) {
      if (expected >= 0 && (this.state.hasPendingSeek(part.topic, part.partition) || offsets.position(part.topic, part.partition) !== expected)) return;
      await this.handle(part);
      this.state.progress();
      expected = part.lastOffsetNumber() + 1;
    }
  }

  async handle(batch: FetchedBatch): Promise<void> {
    const { group, offsets, pauses, emitter } = this.options;
    const { topic, partition } = batch;
    if (!this.state.isRunning() || !offsets.isAssigned(topic, partition)) return;
    if (!pauses.isEmpty && pauses.isPaused(topic, partition)) return;
    if (batch.isEmptyDueToFiltering()) {
      offsets.resolveOffset(topic, partition, batch.lastOffsetNumber());
      if (this.options.autoCommit) await offsets.commitOffsetsIfNecessary();
      return;
    }
    if (batch.isEmpty()) return;

    const generation = group.generationId;
    const startedAt = Date.now();
    const wantsEvents = emitter.hasListeners(ConsumerEventNames.START_BATCH_PROCESS) || emitter.hasListeners(ConsumerEventNames.END_BATCH_PROCESS);
    const payload: IBatchProcessEvent | null = wantsEvents
      ? {
          topic,
          partition,
          highWatermark: batch.highWatermark,
          offsetLag: batch.offsetLag(),
          offsetLagLow: batch.offsetLagLow(),
          batchSize: batch.messageCount(),
          firstOffset: batch.firstOffset() ?? batch.lastOffset(),
          lastOffset: batch.lastOffset(),
        }
      : null;
    if (payload) emitter.emit(ConsumerEventNames.START_BATCH_PROCESS, payload);

    if (this.options.eachMessage) await this.processEachMessage(batch, generation, this.options.eachMessage);
    else if (this.options.eachBatch) await this.processEachBatch(batch, generation, this.options.eachBatch);

    if (payload) emitter.emit(ConsumerEventNames.END_BATCH_PROCESS, { ...payload, duration: Date.now() - startedAt });
    this.state.autoCommitInBackground();
    await this.state.heartbeat();
  }

  private isCurrent(topic: string, partition: number, generation: number): boolean {
    return this.state.isRunning() && this.options.group.generationId === generation && !this.state.hasPendingSeek(topic, partition);
  }

  private pauseFn(topic: string, partition: number): () => () => void {
    const { pauses } = this.options;
    return () => {
      pauses.pause([{ topic, partitions: [partition] }]);
      return () => pauses.resume([{ topic, partitions: [partition] }]);
    };
  }

  private async processEachMessage(batch: FetchedBatch, generation: number, eachMessage: EachMessageHandler): Promise<void> {
    const { offsets, pauses } = this.options;
    const { topic, partition } = batch;
    const pause = this.pauseFn(topic, partition);
    const heartbeat = (): Promise<void> => this.state.heartbeat();
    const commitDueCheck = this.options.autoCommit;
    const messages: FetchedMessage[] = [];
    const numbers: number[] = [];
    const parts = batch.storedBatchCount();
    for (let part = 0; part < parts; part++) {
      messages.length = 0;
      numbers.length = 0;
      batch.readStoredBatch(part, messages, numbers);
      for (let i = 0; i < messages.length; i++) {
        if (!this.isCurrent(topic, partition, generation)) return;
        const failure = this.state.heartbeatFailure();
        if (failure) throw failure;
        try {
          await eachMessage({ topic, partition, message: messages[i], heartbeat, pause });
        } catch (e) {
          await this.commitBeforeFailing();
          throw e;
        }
        offsets.resolveOffset(topic, partition, numbers[i]);
        this.state.progress();
        if (commitDueCheck && offsets.commitDue()) await offsets.commitOffsets();
        if (!pauses.isEmpty && pauses.isPaused(topic, partition)) return;
      }
    }
  }

  private async processEachBatch(batch: FetchedBatch, generation: number, eachBatch: EachBatchHandler): Promise<void> {
    const { offsets, logger } = this.options;
    const { topic, partition } = batch;
    const { messages } = batch;
    const lastMessage = messages[messages.length - 1];
    const payload: EachBatchPayload = {
      batch,
      resolveOffset: (offset: string) => {
        // Resolving the last user message also covers trailing control records (kafkajs).
        const target = lastMessage && offset === lastMessage.offset ? batch.lastOffsetNumber() : Number(offset);
        offsets.resolveOffset(topic, partition, target);
        this.state.progress();
      },
      heartbeat: () => {
        this.state.progress();
        return this.state.heartbeat();
      },
      pause: this.pauseFn(topic, partition),
      commitOffsetsIfNecessary: (given?: Offsets) => (given ? offsets.commitOffsets(given) : offsets.commitOffsetsIfNecessary()),
      uncommittedOffsets: () => offsets.uncommittedOffsets(),
      isRunning: () => this.state.isRunning(),
      isStale: () => !this.isCurrent(topic, partition, generation) && this.state.isRunning(),
    };
    try {
      await eachBatch(payload);
    } catch (e) {
      logger.debug('eachBatch failed', { topic, partition, error: (e as Error).message });
      await this.commitBeforeFailing();
      throw e;
    }
    if (this.options.eachBatchAutoResolve && this.isCurrent(topic, partition, generation)) {
      offsets.resolveOffset(topic, partition, batch.lastOffsetNumber());
    }
  }

  /** kafkajs commits what was resolved before a failing handler's error propagates. */
  private async commitBeforeFailing(): Promise<void> {
    try {
      await this.state.autoCommit();
    } catch (e) {
      this.options.logger.warn('Could not commit resolved offsets after a handler error', { error: (e as Error).message });
    }
  }
}
