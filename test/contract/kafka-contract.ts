/**
 * The kafkajs contract: behaviour user code relies on, written only against kafkajs's API.
 * `runKafkaContract` runs it against any client/broker pair through a factory: @peak/kafka
 * with the EmbeddedBroker in-process, or the real kafkajs over TCP to our wire server.
 */
import type { Admin, Consumer, EachBatchPayload } from 'kafkajs';
import { countFetches, FAST_CONSUMER, KafkaContractEnv, KafkaContractFactory, partitionsOf, Received, Resources, toReceived, trackAssignment, unique, waitFor } from './contract-helpers';
import { runKafkaContractPart2 } from './kafka-contract.part2';

export type { KafkaContractFactory, KafkaContractEnv } from './contract-helpers';

/** Partitions kafkajs's DefaultPartitioner (Java murmur2) picks among 6 partitions. */
export const KEY_PARTITION_VECTORS: Record<string, number> = {
  'order-1': 4, 'order-2': 3, 'customer-42': 3, a: 4, hello: 3, kafka: 4, 'xyz-999': 1, 'user:7': 4,
};

export interface ContractContext {
  env(): KafkaContractEnv;
  res(): Resources;
  createTopic(topic: string, numPartitions: number): Promise<void>;
  produce(topic: string, messages: Array<{ key?: string; value: string; partition?: number }>): Promise<void>;
  consumeInto(consumer: Consumer, sink: Received[]): Promise<void>;
}

export function runKafkaContract(factory: KafkaContractFactory): void {
  describe(`kafkajs contract: ${factory.name}`, () => {
    let env: KafkaContractEnv;
    let res: Resources;
    let admin: Admin;

    beforeEach(async () => {
      env = await factory.setup();
      res = new Resources(() => env.kafka);
      admin = await res.admin();
    });

    afterEach(async () => {
      await res.closeAll();
      await env.teardown();
    });

    const ctx: ContractContext = {
      env: () => env,
      res: () => res,
      createTopic: async (topic, numPartitions) => {
        await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
      },
      produce: async (topic, messages) => {
        const producer = await res.producer();
        await producer.send({ topic, messages });
      },
      consumeInto: async (consumer, sink) => {
        await consumer.run({ eachMessage: async (payload) => void sink.push(toReceived(payload)) });
      },
    };

    it('keeps per-partition order for keyed messages', async () => {
      const topic = unique('order');
      await ctx.createTopic(topic, 3);
      const producer = await res.producer();
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
      for (let round = 0; round < 4; round++) {
        await producer.send({ topic, messages: keys.map((key, i) => ({ key, value: `${key}:${round * 5 + i}` })) });
      }
      const consumer = await res.consumer({ groupId: unique('g'), ...FAST_CONSUMER });
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: Received[] = [];
      await ctx.consumeInto(consumer, got);
      await waitFor(() => got.length >= 20, '20 messages');
      for (const key of keys) {
        const seq = got.filter((m) => m.key === key).map((m) => Number((m.value as string).split(':')[1]));
        expect(seq).toEqual([...seq].sort((a, b) => a - b));
        expect(seq).toHaveLength(4);
        expect(new Set(got.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
      }
      const byPartition = new Map<number, number[]>();
      for (const m of got) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), Number(m.offset)]);
      for (const offsets of byPartition.values()) expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    });

    it("puts keyed messages on Kafka's partition for the key (murmur2)", async () => {
      const topic = unique('keys');
      await ctx.createTopic(topic, 6);
      const producer = await res.producer();
      const meta = await producer.send({ topic, messages: Object.keys(KEY_PARTITION_VECTORS).map((key) => ({ key, value: key })) });
      expect(meta.every((m) => m.errorCode === 0 && typeof m.baseOffset === 'string')).toBe(true);
      const consumer = await res.consumer({ groupId: unique('g'), ...FAST_CONSUMER });
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const got: Received[] = [];
      await ctx.consumeInto(consumer, got);
      await waitFor(() => got.length >= Object.keys(KEY_PARTITION_VECTORS).length, 'all keyed messages');
      for (const m of got) expect(m.partition).toBe(KEY_PARTITION_VECTORS[m.key as string]);
    });

    it('shares partitions between two consumers of one group (each message once)', async () => {
      const topic = unique('shared');
      const groupId = unique('g');
      await ctx.createTopic(topic, 4);
      const c1 = await res.consumer({ groupId, ...FAST_CONSUMER });
      const c2 = await res.consumer({ groupId, ...FAST_CONSUMER });
      const a1 = trackAssignment(c1);
      const a2 = trackAssignment(c2);
      await c1.subscribe({ topic, fromBeginning: true });
      await c2.subscribe({ topic, fromBeginning: true });
      const got1: Received[] = [];
      const got2: Received[] = [];
      await ctx.consumeInto(c1, got1);
      await ctx.consumeInto(c2, got2);
      await waitFor(() => {
        const p1 = partitionsOf(a1.current, topic);
        const p2 = partitionsOf(a2.current, topic);
        return p1.length > 0 && p2.length > 0 && [...p1, ...p2].sort().join() === '0,1,2,3';
      }, 'both members hold disjoint partitions covering the topic');
      await ctx.produce(topic, Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })));
      await waitFor(() => got1.length + got2.length >= 40, '40 messages across the group');
      const values = [...got1, ...got2].map((m) => m.value);
      expect(new Set(values).size).toBe(40);
      expect(values).toHaveLength(40);
      expect(got1.every((m) => partitionsOf(a1.current, topic).includes(m.partition))).toBe(true);
      expect(got2.every((m) => partitionsOf(a2.current, topic).includes(m.partition))).toBe(true);
    });

    it('gives every message to each of two groups', async () => {
      const topic = unique('fanout');
      await ctx.createTopic(topic, 2);
      await ctx.produce(topic, Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
      const gotA: Received[] = [];
      const gotB: Received[] = [];
      const a = await res.consumer({ groupId: unique('ga'), ...FAST_CONSUMER });
      const b = await res.consumer({ groupId: unique('gb'), ...FAST_CONSUMER });
      await a.subscribe({ topic, fromBeginning: true });
      await b.subscribe({ topic, fromBeginning: true });
      await ctx.consumeInto(a, gotA);
      await ctx.consumeInto(b, gotB);
      await waitFor(() => gotA.length >= 10 && gotB.length >= 10, 'both groups got 10');
      expect(gotA.map((m) => m.value).sort()).toEqual(gotB.map((m) => m.value).sort());
      expect(new Set(gotA.map((m) => m.value)).size).toBe(10);
    });

    it('keeps committed offsets across a broker restart', async () => {
      const topic = unique('durable');
      const groupId = unique('g');
      await ctx.createTopic(topic, 1);
      await ctx.produce(topic, Array.from({ length: 10 }, (_, i) => ({ value: `before-${i}` })));
      const first = await res.consumer({ groupId, ...FAST_CONSUMER });
      await first.subscribe({ topic, fromBeginning: true });
      const got: Received[] = [];
      await ctx.consumeInto(first, got);
      await waitFor(() => got.length >= 10, 'first 10');
      await waitFor(async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset === '10', 'offset 10 committed');
      await first.disconnect();
      await res.closeAll();

      await env.restartBroker();
      res = new Resources(() => env.kafka);
      admin = await res.admin();
      expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset).toBe('10');
      await ctx.produce(topic, Array.from({ length: 5 }, (_, i) => ({ value: `after-${i}` })));
      const second = await res.consumer({ groupId, ...FAST_CONSUMER });
      await second.subscribe({ topic, fromBeginning: true });
      const again: Received[] = [];
      await ctx.consumeInto(second, again);
      await waitFor(() => again.length >= 5, '5 new messages after restart');
      expect(again.map((m) => m.offset)).toEqual(['10', '11', '12', '13', '14']);
      expect(again.map((m) => m.value)).toEqual(['after-0', 'after-1', 'after-2', 'after-3', 'after-4']);
    });

    it('applies fromBeginning only when the group has no committed offset', async () => {
      const topic = unique('frombeg');
      const committedGroup = unique('g');
      await ctx.createTopic(topic, 1);
      await ctx.produce(topic, Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })));
      await admin.setOffsets({ groupId: committedGroup, topic, partitions: [{ partition: 0, offset: '4' }] });
      const resumed = await res.consumer({ groupId: committedGroup, ...FAST_CONSUMER });
      await resumed.subscribe({ topic, fromBeginning: true });
      const got: Received[] = [];
      await ctx.consumeInto(resumed, got);

      const latest = await res.consumer({ groupId: unique('g'), ...FAST_CONSUMER });
      const latestFetches = countFetches(latest);
      await latest.subscribe({ topic, fromBeginning: false });
      const gotLatest: Received[] = [];
      await ctx.consumeInto(latest, gotLatest);
      await waitFor(() => got.length >= 2 && latestFetches.count > 0, 'committed group resumed; latest group fetching');
      await waitFor(async () => (await admin.fetchOffsets({ groupId: committedGroup, topics: [topic] }))[0].partitions[0].offset === '6', 'commit at 6');
      await ctx.produce(topic, [{ value: 'new' }]);
      await waitFor(() => gotLatest.length >= 1 && got.length >= 3, 'the new message reached both');
      expect(got.map((m) => m.offset)).toEqual(['4', '5', '6']);
      expect(gotLatest.map((m) => m.value)).toEqual(['new']);
    });

    runKafkaContractPart2(ctx, () => admin);
  });
}

export type { EachBatchPayload };
