import { decodeEvent, PaymentCompletedEvent, Topics } from '@peak/contracts';
import { OutboxRelay } from './outbox.relay';
import type { OutboxPublisher, OutboxRow, OutboxStore } from './outbox.types';

/** An outbox table in memory: one claim at a time, like one relay's view of PostgreSQL. */
class MemoryStore implements OutboxStore {
  readonly name = 'memory.outbox';
  rows: OutboxRow[] = [];
  claims = 0;
  failNextClaims = 0;
  private nextId = 1;

  add(orderId: string, ok = true, headers: Record<string, string> | null = null): string {
    const id = String(this.nextId++);
    const event: PaymentCompletedEvent = { orderId, ok, reason: ok ? '' : 'PAYMENT_FAILED', detail: `row ${id}`, transactionId: `t-${id}` };
    this.rows.push({ id, topic: Topics.PaymentCompleted, key: orderId, payload: event, headers });
    return id;
  }

  async claim(limit: number, publish: (rows: OutboxRow[]) => Promise<string[]>): Promise<{ claimed: number; done: number }> {
    this.claims += 1;
    if (this.failNextClaims > 0) {
      this.failNextClaims -= 1;
      throw new Error('database unavailable');
    }
    const rows = this.rows.slice(0, limit);
    const done = new Set(await publish(rows));
    this.rows = this.rows.filter((r) => !done.has(r.id));
    return { claimed: rows.length, done: done.size };
  }
}

interface Sent {
  topic: string;
  key: string;
  event: PaymentCompletedEvent;
  headers: Record<string, Buffer>;
}

/** A publisher that records what it acknowledged and can be told to fail or to hold requests. */
class FakePublisher implements OutboxPublisher {
  sent: Sent[] = [];
  failing = false;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  async publishRaw(topic: string, message: { key: string; value: Buffer; headers: Record<string, Buffer> }): Promise<void> {
    await Promise.resolve();
    if (this.failing) throw new Error('broker unavailable');
    const event = decodeEvent(Topics.PaymentCompleted, message.value, message.headers);
    this.sent.push({ topic, key: message.key, event, headers: message.headers });
    for (const w of this.waiters.filter((x) => this.sent.length >= x.n)) w.resolve();
    this.waiters = this.waiters.filter((x) => this.sent.length < x.n);
  }

  /** Resolves once `n` messages have been acknowledged in all. */
  acknowledged(n: number): Promise<void> {
    if (this.sent.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

describe(OutboxRelay.name, () => {
  let relays: OutboxRelay[] = [];
  const relay = (store: OutboxStore, publisher: OutboxPublisher, batchSize = 100): OutboxRelay => {
    const r = new OutboxRelay(store, publisher, { batchSize, pollIntervalMs: 60_000 });
    relays.push(r);
    return r;
  };

  afterEach(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    relays = [];
  });

  it('publishes rows written before it started (a crash left them), in order, and deletes them', async () => {
    const store = new MemoryStore();
    ['o-1', 'o-2', 'o-1'].forEach((id) => store.add(id));
    const publisher = new FakePublisher();
    relay(store, publisher).start();
    await publisher.acknowledged(3);
    expect(publisher.sent.map((s) => `${s.key}:${s.event.detail}`)).toEqual(['o-1:row 1', 'o-2:row 2', 'o-1:row 3']);
    expect(publisher.sent[0].headers['schema-version']?.toString()).toBe('1');
    await waitUntil(() => store.rows.length === 0);
  });

  it('publishes on wake, without waiting for the poll', async () => {
    const store = new MemoryStore();
    const publisher = new FakePublisher();
    const sut = relay(store, publisher);
    sut.start();
    await sut.drain();
    store.add('o-9', true, { 'deadline-at-ms': '1234' });
    sut.wake();
    await publisher.acknowledged(1);
    expect(publisher.sent[0].headers['deadline-at-ms']?.toString()).toBe('1234');
  });

  it('lets the commits of one linger window share a round (one claim for many wakes)', async () => {
    const store = new MemoryStore();
    const publisher = new FakePublisher();
    const sut = new OutboxRelay(store, publisher, { batchSize: 100, pollIntervalMs: 60_000, lingerMs: 20 });
    relays.push(sut);
    sut.start();
    await sut.drain();
    const claimsBefore = store.claims;
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      for (let i = 0; i < 5; i++) {
        store.add(`o-${i}`);
        sut.wake();
        jest.advanceTimersByTime(3);
      }
      expect(store.claims).toBe(claimsBefore); // still lingering
      jest.advanceTimersByTime(10);
    } finally {
      jest.useRealTimers();
    }
    await publisher.acknowledged(5);
    expect(store.claims).toBe(claimsBefore + 1);
  });

  it("wake() resolves once the round after it ended: after the publish, or after a failed one (rows kept), never rejecting", async () => {
    const store = new MemoryStore();
    const publisher = new FakePublisher();
    const sut = relay(store, publisher);
    sut.start();
    await sut.drain();
    store.add('o-1');
    await sut.wake();
    expect(publisher.sent.map((s) => s.key)).toEqual(['o-1']);

    publisher.failing = true;
    store.add('o-2');
    await expect(sut.wake()).resolves.toBeUndefined();
    expect(store.rows.map((r) => r.key)).toEqual(['o-2']);
    expect(sut.failedRounds).toBe(1);
    // Backing off: a wake does not hold its caller.
    store.add('o-3');
    await expect(sut.wake()).resolves.toBeUndefined();
    publisher.failing = false;
    await publisher.acknowledged(3);
  });

  it('runs another round for rows committed while a round was publishing', async () => {
    const store = new MemoryStore();
    const publisher = new FakePublisher();
    const sut = relay(store, publisher);
    sut.start();
    await sut.drain();
    store.add('a');
    sut.wake();
    store.add('b'); // committed during the first round
    sut.wake();
    await publisher.acknowledged(2);
    expect(publisher.sent.map((s) => s.key)).toEqual(['a', 'b']);
  });

  it('keeps the rows when the broker fails, retries by itself, and publishes them once it is back', async () => {
    const store = new MemoryStore();
    store.add('o-1');
    store.add('o-2');
    const publisher = new FakePublisher();
    publisher.failing = true;
    const sut = relay(store, publisher);
    sut.start();
    await waitUntil(() => sut.failedRounds >= 2);
    expect(store.rows).toHaveLength(2);
    publisher.failing = false;
    await publisher.acknowledged(2);
    expect(publisher.sent.map((s) => s.key)).toEqual(['o-1', 'o-2']);
    await waitUntil(() => store.rows.length === 0);
  });

  it('survives the database failing too', async () => {
    const store = new MemoryStore();
    store.add('o-1');
    store.failNextClaims = 2;
    const publisher = new FakePublisher();
    relay(store, publisher).start();
    await publisher.acknowledged(1);
    expect(store.claims).toBeGreaterThanOrEqual(3);
  });

  it('a row that cannot be encoded stays and holds back only the later rows of its key', async () => {
    const store = new MemoryStore();
    store.add('good-1');
    store.rows.push({ id: '100', topic: 'no.such.topic', key: 'bad', payload: {}, headers: null });
    store.add('bad');
    store.add('good-2');
    const publisher = new FakePublisher();
    const sut = relay(store, publisher);
    sut.start();
    await publisher.acknowledged(2);
    await sut.drain();
    expect(publisher.sent.map((s) => s.key)).toEqual(['good-1', 'good-2']);
    expect(store.rows.map((r) => r.key)).toEqual(['bad', 'bad']);
    expect(sut.unencodable).toBeGreaterThanOrEqual(1);
  });

  it('works through more rows than one round takes', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 25; i += 1) store.add(`o-${i}`);
    const publisher = new FakePublisher();
    relay(store, publisher, 10).start();
    await publisher.acknowledged(25);
    expect(publisher.sent.map((s) => s.key)).toEqual(Array.from({ length: 25 }, (_, i) => `o-${i}`));
  });

  it('publishes nothing after stop; what is left goes out at the next start', async () => {
    const store = new MemoryStore();
    const publisher = new FakePublisher();
    const first = relay(store, publisher);
    first.start();
    await first.drain();
    await first.stop();
    store.add('o-1');
    first.wake();
    await Promise.resolve();
    expect(publisher.sent).toHaveLength(0);
    relay(store, publisher).start();
    await publisher.acknowledged(1);
  });
});

/** Polls `done` until it holds (deadline 5 s). */
async function waitUntil(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}
