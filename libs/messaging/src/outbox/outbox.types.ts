import type { EventMap, TopicName } from '@peak/contracts';

/**
 * An event a service commits to publish: written to its schema's `outbox` table in the
 * transaction whose commit causes it, published later by an OutboxRelay.
 */
export interface OutboxEntry<T extends TopicName = TopicName> {
  topic: T;
  /** Kafka key (the order id): rows of one key are published in the order they were written. */
  key: string;
  /** The event as TypeScript sees it; stored as jsonb and encoded (protobuf) when published. */
  event: EventMap[T];
  /** Headers added to the event's schema headers (string values). */
  headers?: Record<string, string>;
}

/** A row of an outbox table as the relay reads it. */
export interface OutboxRow {
  /** bigserial, as a string (it may exceed 2^53). */
  id: string;
  topic: string;
  key: string;
  /** The event object (jsonb). */
  payload: unknown;
  headers: Record<string, string> | null;
}

/** What an OutboxRelay publishes through (EventPublisher.publishRaw: resolves once acknowledged with acks=-1). */
export interface OutboxPublisher {
  publishRaw(topic: string, message: { key: string; value: Buffer; headers: Record<string, Buffer> }, options?: { urgent?: boolean }): Promise<void>;
}

/** What a relay round found and did, for logs and tests. */
export interface OutboxRound {
  /** Rows locked by this round. */
  claimed: number;
  /** Rows published and deleted. */
  published: number;
  /** Rows left for a later round: an earlier row of their key was held by another relay, or a row could not be encoded or published. */
  deferred: number;
}

/**
 * Access to one outbox table. Implementations lock the rows they hand out so that two relays
 * on the same table never hold the same row at once.
 */
export interface OutboxStore {
  /** Human-readable name (the table), for logs. */
  readonly name: string;
  /**
   * Locks up to `limit` pending rows (oldest first, skipping rows another caller holds, and
   * never a row whose key has an earlier row still pending that this caller could not lock),
   * calls `publish` with them in id order, deletes the ids it returns, and releases the
   * locks. Throws (and keeps every row) when the store fails or `publish` throws.
   */
  claim(limit: number, publish: (rows: OutboxRow[]) => Promise<string[]>): Promise<{ claimed: number; done: number }>;
}
