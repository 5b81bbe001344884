import type { Kafka, ProducerBatch } from 'kafkajs';
import { CONTENT_TYPE_HEADER, decodeEvent, OrderCreatedEvent, PROTOBUF_CONTENT_TYPE, SCHEMA_VERSION_HEADER, Topics } from '@peak/contracts';
import { PublisherClosedError } from '../errors/messaging.errors';
import { EventPublisher } from './event-publisher';

/** A producer whose produce requests stay open until the test answers them. */
class FakeProducer {
  readonly requests: Array<{ batch: ProducerBatch; resolve: () => void; reject: (e: Error) => void }> = [];

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  sendBatch(batch: ProducerBatch): Promise<unknown[]> {
    return new Promise((resolve, reject) => this.requests.push({ batch, resolve: () => resolve([]), reject }));
  }

  keys(i: number): string[] {
    return (this.requests[i].batch.topicMessages ?? []).flatMap((t) => t.messages.map((m) => String(m.key)));
  }
}

const event = (id: string): OrderCreatedEvent => ({
  order: { orderId: id, buyerId: 'b', courseId: 'c', paymentMethod: 'alipay', idempotencyKey: id, createdAtMs: 1, expectedPriceCents: 0 },
  tokenExpiresAtMs: 1_700_003_600_000,
});

/** Lets queued setImmediate callbacks and promise reactions run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('EventPublisher', () => {
  let producer: FakeProducer;
  let publisher: EventPublisher;

  beforeEach(async () => {
    producer = new FakeProducer();
    publisher = new EventPublisher({ producer: () => producer } as unknown as Kafka, 4, 3);
    await publisher.connect();
  });

  it('sends concurrent publishes in one acks=-1 request, keyed and with the schema headers, and resolves them only when it is acknowledged', async () => {
    let done = 0;
    const published = ['o-1', 'o-2'].map((id) => publisher.publish(Topics.OrderCreated, id, event(id)).then(() => done++));
    await settle();
    expect(producer.requests).toHaveLength(1);
    const [{ batch }] = producer.requests;
    expect(batch.acks).toBe(-1);
    expect(producer.keys(0)).toEqual(['o-1', 'o-2']);
    const message = batch.topicMessages?.[0].messages[0];
    expect(String(message?.headers?.[CONTENT_TYPE_HEADER])).toBe(PROTOBUF_CONTENT_TYPE);
    expect(decodeEvent(Topics.OrderCreated, message?.value as Buffer, message?.headers as Record<string, Buffer>)).toEqual(event('o-1'));
    expect(String(message?.headers?.[SCHEMA_VERSION_HEADER])).toBe('1');
    expect(done).toBe(0);
    producer.requests[0].resolve();
    await Promise.all(published);
    expect(done).toBe(2);
  });

  it('keeps a few events for the next request while one is in flight, and pipelines once a full batch waits', async () => {
    const first = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'));
    await settle();
    expect(producer.requests).toHaveLength(1);

    const waiting = ['o-2', 'o-3'].map((id) => publisher.publish(Topics.OrderCreated, id, event(id)));
    await settle();
    expect(producer.requests).toHaveLength(1); // 2 < pipelineBatch (3): they wait
    expect(publisher.backlog).toBe(2);

    const third = publisher.publish(Topics.OrderCreated, 'o-4', event('o-4'));
    await settle();
    expect(producer.requests).toHaveLength(2); // 3 waiting: a second request starts at once
    expect(producer.keys(1)).toEqual(['o-2', 'o-3', 'o-4']);

    producer.requests[0].resolve();
    producer.requests[1].resolve();
    await Promise.all([first, ...waiting, third]);
  });

  it('sends what waited as soon as the request in flight returns', async () => {
    const first = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'));
    await settle();
    const second = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'));
    await settle();
    expect(producer.requests).toHaveLength(1);
    producer.requests[0].resolve();
    await first;
    await settle();
    expect(producer.requests).toHaveLength(2);
    expect(producer.keys(1)).toEqual(['o-2']);
    producer.requests[1].resolve();
    await second;
  });

  it('rejects exactly the events of a failed request; later ones still go', async () => {
    const failed = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'));
    await settle();
    const later = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'));
    producer.requests[0].reject(new Error('broker down'));
    await expect(failed).rejects.toThrow('broker down');
    await settle();
    expect(producer.keys(1)).toEqual(['o-2']);
    producer.requests[1].resolve();
    await expect(later).resolves.toBeUndefined();
  });

  it('rejects what is still queued when closed', async () => {
    void publisher.publish(Topics.OrderCreated, 'o-1', event('o-1')).catch(() => undefined);
    await settle();
    const queued = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'));
    await publisher.close();
    await expect(queued).rejects.toBeInstanceOf(PublisherClosedError);
    await expect(publisher.publish(Topics.OrderCreated, 'o-3', event('o-3'))).rejects.toBeInstanceOf(PublisherClosedError);
  });

  describe('with a linger', () => {
    beforeEach(async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      publisher = new EventPublisher({ producer: () => producer } as unknown as Kafka, 4, 3, 10);
      await publisher.connect();
    });
    afterEach(() => jest.useRealTimers());

    it('holds a lone event for lingerMs so that others share its request', async () => {
      const a = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'));
      await settle();
      jest.advanceTimersByTime(5);
      const b = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'));
      await settle();
      expect(producer.requests).toHaveLength(0);
      jest.advanceTimersByTime(5);
      await settle();
      expect(producer.requests).toHaveLength(1);
      expect(producer.keys(0)).toEqual(['o-1', 'o-2']);
      producer.requests[0].resolve();
      await Promise.all([a, b]);
    });

    it('sends an urgent event (a buyer waits for it) at once, with what lingered', async () => {
      const lone = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'));
      await settle();
      expect(producer.requests).toHaveLength(0);
      const urgent = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'), { urgent: true });
      await settle();
      expect(producer.requests).toHaveLength(1);
      expect(producer.keys(0)).toEqual(['o-1', 'o-2']);
      producer.requests[0].resolve();
      await Promise.all([lone, urgent]);
    });

    it('does not linger again for events that already waited behind a request in flight', async () => {
      const first = publisher.publish(Topics.OrderCreated, 'o-1', event('o-1'), { urgent: true });
      await settle();
      const later = publisher.publish(Topics.OrderCreated, 'o-2', event('o-2'));
      jest.advanceTimersByTime(12);
      producer.requests[0].resolve();
      await first;
      await settle();
      expect(producer.requests).toHaveLength(2);
      expect(producer.keys(1)).toEqual(['o-2']);
      producer.requests[1].resolve();
      await later;
    });
  });
});
