import { Logger } from '@nestjs/common';
import { encodeEvent, EventMap, eventHeaders, TopicName } from '@peak/contracts';
import type { OutboxPublisher, OutboxRound, OutboxRow, OutboxStore } from './outbox.types';

/** Rows published per round at most. */
export const DEFAULT_OUTBOX_BATCH_SIZE = 500;
/** Fallback poll: rows left by a crash, by a failed publish, or by another process's relay. */
export const DEFAULT_OUTBOX_POLL_INTERVAL_MS = 1_000;
/** First wait after a failed round (doubles up to the poll interval). */
export const OUTBOX_RETRY_INITIAL_MS = 50;
/** A round that left rows held back for another relay's earlier row of their key runs again this soon. */
export const OUTBOX_DEFERRED_RETRY_MS = 10;
/**
 * A wake starts a round this long later, so that the commits of a busy stage share one claim:
 * one transaction and one produce request (one WAL flush and one fdatasync per partition)
 * for many events instead of one per handler batch. 0: at once.
 */
export const DEFAULT_OUTBOX_LINGER_MS = 10;
const SETTLED: Promise<void> = Promise.resolve();
/** A failure repeated in a row is logged once, then every this many times. */
const LOG_EVERY_FAILURES = 20;

export interface OutboxRelayOptions {
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a wake waits for more commits before its round (DEFAULT_OUTBOX_LINGER_MS). */
  lingerMs?: number;
}

/**
 * Publishes the rows of one outbox table: a round claims the oldest pending rows (see
 * OutboxStore.claim), publishes them with the EventPublisher (acks=-1), in id order, and
 * deletes those the broker acknowledged, in the same transaction as the claim.
 *
 * - `wake()` after a commit that wrote rows: a round starts `lingerMs` later (the wakes of
 *   that window share it; wakes during a round start one more round after it), so the normal
 *   path waits for no poll.
 * - `start()` runs a round for rows left by an earlier process, then polls every
 *   `pollIntervalMs` as a fallback (rows of a crash, of a failed publish, of another process).
 * - A failed round (database or broker) keeps its rows; the next one is retried after a
 *   backoff (50 ms doubling up to the poll interval) or at the next wake after it.
 * - Rows are published at least once: a crash after the broker's ack and before the delete
 *   commits publishes them again (consumers are idempotent), never zero times.
 *
 * One round at a time per relay; any number of relays (processes) on one table, the store's
 * row locks keep them apart. Not re-entrant across stop()/start().
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly headerCache = new Map<string, Record<string, Buffer>>();
  private running: Promise<void> | null = null;
  private wanted = false;
  private started = false;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private readonly lingerMs: number;
  /** Consecutive failed rounds. */
  private failures = 0;
  private retryAtMs = 0;
  /** Rows published (acknowledged and deleted) since start. */
  published = 0;
  /** Failed rounds since start. */
  failedRounds = 0;
  /** Rows found that cannot be encoded (each time found). */
  unencodable = 0;
  private lastRound: OutboxRound | null = null;
  /** Callers of wake() waiting for the next round to end. */
  private readonly nextRoundWaiters: Array<() => void> = [];

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: OutboxPublisher,
    options: OutboxRelayOptions = {},
  ) {
    this.logger = new Logger(`OutboxRelay ${store.name}`);
    this.batchSize = options.batchSize ?? DEFAULT_OUTBOX_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_OUTBOX_POLL_INTERVAL_MS;
    this.lingerMs = options.lingerMs ?? DEFAULT_OUTBOX_LINGER_MS;
  }

  /** Publishes what earlier processes left, then polls as a fallback. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.pollTimer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.pollTimer.unref();
    this.kick();
  }

  /**
   * Rows were committed: publish them after the linger (or right after the round in progress).
   * Call after every such commit. The promise resolves once a round that started after this
   * call has ended, whether it published or failed (the rows are safe in the outbox either
   * way), at once while the relay is backing off after a failure or stopped; it never rejects.
   * The services do not await it (their next transaction would queue behind the publish);
   * tests and tools may.
   */
  wake(): Promise<void> {
    if (!this.started || this.stopped) return SETTLED;
    const wait = this.retryAtMs - Date.now();
    if (wait > 0) {
      this.retryLater(wait);
      return SETTLED;
    }
    const settled = new Promise<void>((resolve) => this.nextRoundWaiters.push(resolve));
    if (this.lingerMs <= 0) {
      this.kick();
      return settled;
    }
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = null;
      this.kick();
    }, this.lingerMs);
    return settled;
  }

  /**
   * Runs rounds until one publishes nothing (nothing pending, all held by another relay, or
   * a failure); resolves then. For tests and tools; the relay does this by itself after wakes.
   */
  async drain(): Promise<void> {
    for (;;) {
      this.kick();
      while (this.running) await this.running;
      const last = this.lastRound;
      if (last === null || last.published === 0 || this.stopped) return;
    }
  }

  /** Stops timers and waits for the round in progress. Rows not yet published stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.pollTimer = null;
    this.retryTimer = null;
    while (this.running) await this.running;
    this.settle(this.nextRoundWaiters.splice(0));
  }

  /** Starts a round now, or marks one wanted after the round in progress. */
  private kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = null;
      // A kick that came while the loop was ending.
      if (this.wanted) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      const waiters = this.nextRoundWaiters.splice(0);
      const round = await this.round();
      this.lastRound = round;
      this.settle(waiters);
      if (round === null) {
        // Failed: the retry timer (or the poll) comes back; wakes until then wait for it.
        this.wanted = false;
        return;
      }
      if (round.claimed >= this.batchSize || (round.deferred > 0 && round.published > 0)) this.wanted = true;
      else if (round.deferred > 0) this.retryLater(OUTBOX_DEFERRED_RETRY_MS);
    }
  }

  /** One claim-publish-delete; null when the database or the broker failed (logged, retry scheduled). */
  private async round(): Promise<OutboxRound | null> {
    let publishError: unknown = null;
    try {
      const { claimed, done } = await this.store.claim(this.batchSize, async (rows) => {
        const result = await this.publish(rows);
        publishError = result.error;
        return result.done;
      });
      this.published += done;
      if (publishError !== null) throw publishError;
      this.failures = 0;
      this.retryAtMs = 0;
      return { claimed, published: done, deferred: claimed - done };
    } catch (err) {
      if (this.stopped) return null;
      this.failures += 1;
      this.failedRounds += 1;
      const backoff = Math.min(this.pollIntervalMs, OUTBOX_RETRY_INITIAL_MS * 2 ** Math.min(this.failures - 1, 16));
      this.retryAtMs = Date.now() + backoff;
      if (this.failures === 1 || this.failures % LOG_EVERY_FAILURES === 0) {
        this.logger.warn(`publishing from ${this.store.name} failed (${this.failures}x in a row), rows kept, retry in ${backoff} ms: ${(err as Error).message}`);
      }
      this.retryLater(backoff);
      return null;
    }
  }

  /**
   * Publishes the rows in id order; returns the ids the broker acknowledged and the first
   * publish error. A row that cannot be encoded (a permanent error: logged, kept for an
   * operator) or published holds back the later rows of its key, which stay too.
   */
  private async publish(rows: OutboxRow[]): Promise<{ done: string[]; error: unknown }> {
    const blockedKeys = new Set<string>();
    let error: unknown = null;
    const sends: Array<Promise<string | null>> = [];
    for (const row of rows) {
      if (blockedKeys.has(row.key)) continue;
      let value: Buffer;
      try {
        value = encodeEvent(row.topic as TopicName, row.payload as EventMap[TopicName]);
      } catch (err) {
        blockedKeys.add(row.key);
        this.unencodable += 1;
        if (this.unencodable === 1 || this.unencodable % LOG_EVERY_FAILURES === 0) {
          this.logger.error(`outbox row ${row.id} of ${this.store.name} (${row.topic}, key ${row.key}) cannot be encoded and stays: ${(err as Error).message}`);
        }
        continue;
      }
      const message = { key: row.key, value, headers: this.headersOf(row) };
      sends.push(
        // Urgent: the round already lingered (lingerMs) and is one batch; the publisher's own linger would only add to each hop.
        this.publisher.publishRaw(row.topic, message, { urgent: true }).then(
          () => row.id,
          (err: unknown) => {
            error ??= err;
            return null;
          },
        ),
      );
    }
    const done = (await Promise.all(sends)).filter((id): id is string => id !== null);
    return { done, error };
  }

  private headersOf(row: OutboxRow): Record<string, Buffer> {
    let base = this.headerCache.get(row.topic);
    if (!base) {
      base = Object.fromEntries(Object.entries(eventHeaders(row.topic as TopicName)).map(([k, v]) => [k, Buffer.from(v)]));
      this.headerCache.set(row.topic, base);
    }
    if (!row.headers || Object.keys(row.headers).length === 0) return base;
    const extra = Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, Buffer.from(String(v))]));
    return { ...base, ...extra };
  }

  private settle(waiters: Array<() => void>): void {
    for (const resolve of waiters) resolve();
  }

  private retryLater(ms: number): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, ms);
    this.retryTimer.unref();
  }
}
