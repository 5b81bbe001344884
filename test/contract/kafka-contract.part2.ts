/** Second half of the kafkajs contract (see kafka-contract.ts). kafkajs API only. */
import type { Admin } from 'kafkajs';
import { countFetches, FAST_CONSUMER, partitionsOf, Received, toReceived, trackAssignment, unique, waitFor } from './contract-helpers';
import type { ContractContext } from './kafka-contract';

export function runKafkaContractPart2(ctx: ContractContext, admin: () => Admin): void {
  it('seeks a running consumer back to an earlier offset', async () => {
    const topic = unique('seek');
    await ctx.createTopic(topic, 1);
    await ctx.produce(topic, Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })));
    const consumer = await ctx.res().consumer({ groupId: unique('g'), ...FAST_CONSUMER });
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: Received[] = [];
    await ctx.consumeInto(consumer, got);
    await waitFor(() => got.length >= 5, 'first pass');
    consumer.seek({ topic, partition: 0, offset: '1' });
    await waitFor(() => got.length >= 9, 'replay from offset 1');
    expect(got.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4', '1', '2', '3', '4']);
  });

  it('pauses and resumes partitions', async () => {
    const paused = unique('paused');
    const flowing = unique('flowing');
    await ctx.createTopic(paused, 1);
    await ctx.createTopic(flowing, 1);
    const consumer = await ctx.res().consumer({ groupId: unique('g'), ...FAST_CONSUMER });
    const fetches = countFetches(consumer);
    await consumer.subscribe({ topics: [paused, flowing], fromBeginning: true });
    const got: Received[] = [];
    await ctx.consumeInto(consumer, got);
    consumer.pause([{ topic: paused }]);
    expect(consumer.paused()).toEqual([{ topic: paused, partitions: [0] }]);
    await waitFor(() => fetches.count > 0, 'fetching');
    await ctx.produce(paused, [{ value: 'held' }]);
    await ctx.produce(flowing, [{ value: 'through' }]);
    await waitFor(() => got.some((m) => m.topic === flowing), 'the unpaused topic flows');
    const fetchesAfter = fetches.count;
    await waitFor(() => fetches.count >= fetchesAfter + 2, 'two more fetches');
    expect(got.filter((m) => m.topic === paused)).toHaveLength(0);
    consumer.resume([{ topic: paused }]);
    expect(consumer.paused()).toEqual([]);
    await waitFor(() => got.some((m) => m.topic === paused), 'the resumed topic flows');
    expect(got.filter((m) => m.topic === paused).map((m) => m.value)).toEqual(['held']);
  });

  it('redelivers a message whose handler threw, before any later message', async () => {
    const topic = unique('redeliver');
    await ctx.createTopic(topic, 1);
    await ctx.produce(topic, Array.from({ length: 4 }, (_, i) => ({ value: `m${i}` })));
    const consumer = await ctx.res().consumer({ groupId: unique('g'), ...FAST_CONSUMER });
    await consumer.subscribe({ topic, fromBeginning: true });
    const deliveries: string[] = [];
    let failed = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        deliveries.push(message.offset);
        if (message.offset === '1' && !failed) {
          failed = true;
          throw new Error('handler failure');
        }
      },
    });
    await waitFor(() => deliveries.includes('3'), 'all messages handled');
    expect(deliveries).toEqual(['0', '1', '1', '2', '3']);
  });

  it('lets eachBatch resolve offsets itself (eachBatchAutoResolve: false)', async () => {
    const topic = unique('batch');
    await ctx.createTopic(topic, 1);
    await ctx.produce(topic, Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })));
    const consumer = await ctx.res().consumer({ groupId: unique('g'), ...FAST_CONSUMER });
    await consumer.subscribe({ topic, fromBeginning: true });
    const firstOffsets: string[] = [];
    let uncommittedSeen: string | null = null;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, uncommittedOffsets, isRunning, isStale, heartbeat }: import('kafkajs').EachBatchPayload) => {
        firstOffsets.push(batch.messages[0].offset);
        expect(isRunning()).toBe(true);
        expect(isStale()).toBe(false);
        const toResolve = firstOffsets.length === 1 ? batch.messages.slice(0, 3) : batch.messages;
        for (const m of toResolve) resolveOffset(m.offset);
        if (firstOffsets.length === 1) uncommittedSeen = uncommittedOffsets().topics[0]?.partitions[0]?.offset ?? null;
        await heartbeat();
      },
    });
    await waitFor(() => firstOffsets.length >= 2, 'a second batch');
    expect(firstOffsets.slice(0, 2)).toEqual(['0', '3']);
    expect(uncommittedSeen).toBe('3');
  });

  it('administers topics and offsets', async () => {
    const a = admin();
    const topic = unique('admin');
    expect(await a.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
    expect(await a.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(false);
    expect(await a.listTopics()).toContain(topic);
    const meta = await a.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].name).toBe(topic);
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);
    await ctx.produce(topic, [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }]);
    const offsets = await a.fetchTopicOffsets(topic);
    expect(offsets.sort((x, y) => x.partition - y.partition)).toEqual([
      { partition: 0, offset: '2', high: '2', low: '0' },
      { partition: 1, offset: '1', high: '1', low: '0' },
    ]);
    const groupId = unique('g');
    const fresh = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(fresh[0].partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
    await a.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    let fetched = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.find((p) => p.partition === 0)?.offset).toBe('1');
    // kafkajs commits the special offsets -1 (latest) / -2 (earliest); consumers then start
    // from their default position, as without a committed offset.
    await a.resetOffsets({ groupId, topic, earliest: false });
    fetched = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
    await a.resetOffsets({ groupId, topic, earliest: true });
    fetched = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.map((p) => p.offset)).toEqual(['-2', '-2']);
    const consumer = await ctx.res().consumer({ groupId, ...FAST_CONSUMER });
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: Received[] = [];
    await ctx.consumeInto(consumer, got);
    await waitFor(() => got.length >= 3, 'all 3 messages after a reset to earliest');
    expect(got.map((m) => m.value).sort()).toEqual(['a', 'b', 'c']);
    await consumer.disconnect();
    await a.deleteTopics({ topics: [topic] });
    await waitFor(async () => !(await a.listTopics()).includes(topic), 'topic deleted');
  });

  it('describes, lists and deletes groups', async () => {
    const a = admin();
    const topic = unique('groups');
    const groupId = unique('g');
    await ctx.createTopic(topic, 1);
    const consumer = await ctx.res().consumer({ groupId, ...FAST_CONSUMER });
    const joined = trackAssignment(consumer);
    await consumer.subscribe({ topic, fromBeginning: true });
    await ctx.consumeInto(consumer, []);
    await waitFor(() => joined.current !== null, 'joined');
    const described = await a.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0].members).toHaveLength(1);
    expect((await consumer.describeGroup()).state).toBe('Stable');
    expect((await a.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    await consumer.disconnect();
    await a.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    await a.deleteGroups([groupId]);
    expect((await a.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
  });

  it('sends with an idempotent producer, each message once', async () => {
    const topic = unique('idem');
    await ctx.createTopic(topic, 2);
    const producer = await ctx.res().producer({ idempotent: true });
    expect(producer.isIdempotent()).toBe(true);
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, value: `${i}-${j}` })) });
    }
    await expect(producer.send({ topic, acks: 1, messages: [{ value: 'x' }] })).rejects.toThrow();
    const offsets = await admin().fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(50);
  });

  /**
   * Two members of a new group on a new 2-partition topic, settled with one partition each:
   * the first records what it receives, the second runs `secondHandler`.
   */
  async function twoMemberGroup(prefix: string, secondHandler: () => Promise<void>) {
    const topic = unique(prefix);
    const groupId = unique('g');
    await ctx.createTopic(topic, 2);
    const c1 = await ctx.res().consumer({ groupId, ...FAST_CONSUMER });
    const c2 = await ctx.res().consumer({ groupId, ...FAST_CONSUMER });
    const a1 = trackAssignment(c1);
    const a2 = trackAssignment(c2);
    await c1.subscribe({ topic, fromBeginning: true });
    await c2.subscribe({ topic, fromBeginning: true });
    const got: Received[] = [];
    await c1.run({ eachMessage: async (p) => void got.push(toReceived(p)) });
    await c2.run({ eachMessage: secondHandler });
    await waitFor(() => partitionsOf(a1.current, topic).length === 1 && partitionsOf(a2.current, topic).length === 1, 'one partition each');
    return { topic, c2, got, survivorPartitions: () => partitionsOf(a1.current, topic), secondPartitions: () => partitionsOf(a2.current, topic) };
  }

  it("moves a stopped member's partitions to the survivor", async () => {
    const { topic, c2, got, survivorPartitions } = await twoMemberGroup('failover', async () => undefined);
    await c2.disconnect();
    await waitFor(() => survivorPartitions().length === 2, 'survivor holds both partitions');
    await ctx.produce(topic, [{ value: 'p0', partition: 0 }, { value: 'p1', partition: 1 }]);
    await waitFor(() => got.length >= 2, 'survivor consumes both partitions');
    expect(got.map((m) => m.partition).sort()).toEqual([0, 1]);
  });

  it("moves a silent member's partitions to the survivor after its session expires", async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    // The second member's handler never returns: it stops heartbeating, as a stuck process would.
    const { topic, got, survivorPartitions, secondPartitions } = await twoMemberGroup('silent', () => hang);
    await ctx.produce(topic, [{ value: 'stuck', partition: secondPartitions()[0] }]);
    await waitFor(() => survivorPartitions().length === 2, 'survivor takes over after the session timeout', 30_000);
    await waitFor(() => got.some((m) => m.value === 'stuck'), 'survivor delivers the stuck message', 15_000);
    release();
  }, 60_000);
}
