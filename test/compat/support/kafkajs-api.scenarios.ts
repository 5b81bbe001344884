/**
 * The compatibility scenarios written against kafkajs's API, so the same bodies run with the
 * real kafkajs 2.2.4 over TCP and with @peak/kafka in-process. Each records its outcome.
 */
import type { EachMessagePayload, Kafka } from 'kafkajs';
import { FAST_CONSUMER, KafkaLike, Resources, unique, waitFor } from '../../contract/contract-helpers';
import { CompatRecorder } from './compat-recorder';

export interface KafkajsApiEnv {
  kafka: KafkaLike;
  teardown(): Promise<void>;
}

interface Got {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

function collect(into: Got[]) {
  return async ({ partition, message }: EachMessagePayload) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
    into.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
  };
}

export function runKafkajsApiScenarios(client: string, setup: () => Promise<KafkajsApiEnv>): void {
  const recorder = new CompatRecorder(client);
  let env: KafkajsApiEnv;
  let res: Resources;

  describe(`${client}: compatibility scenarios`, () => {
    jest.setTimeout(40_000);
    beforeAll(async () => {
      env = await setup();
    });
    beforeEach(() => {
      res = new Resources(() => env.kafka);
    });
    afterEach(async () => {
      await res.closeAll();
    });
    afterAll(async () => {
      await env.teardown();
      recorder.save();
    });

    const createTopic = async (topic: string, numPartitions: number) => {
      await (await res.admin()).createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    };

    it('produce-keyed-headers-acks-all', recorder.scenario('produce-keyed-headers-acks-all', async () => {
      const topic = unique('kp');
      await createTopic(topic, 2);
      const producer = await res.producer();
      await producer.send({ topic, acks: -1, messages: ['a', 'b', 'c'].map((k) => ({ key: k, value: `v-${k}`, headers: { trace: `t-${k}` } })) });
      const consumer = await res.consumer({ ...FAST_CONSUMER, groupId: unique('g') });
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const got: Got[] = [];
      await consumer.run({ eachMessage: collect(got) });
      await waitFor(() => got.length === 3, '3 messages');
      expect(got.map((m) => [m.key, m.value, m.headers.trace]).sort()).toEqual([['a', 'v-a', 't-a'], ['b', 'v-b', 't-b'], ['c', 'v-c', 't-c']]);
    }));

    it('idempotent-producer', recorder.scenario('idempotent-producer', async () => {
      const topic = unique('ki');
      await createTopic(topic, 1);
      const producer = await res.producer({ idempotent: true, maxInFlightRequests: 1 });
      const [first] = await producer.send({ topic, acks: -1, messages: [{ value: '1' }] });
      const [second] = await producer.send({ topic, acks: -1, messages: [{ value: '2' }] });
      expect([first.baseOffset, second.baseOffset]).toEqual(['0', '1']);
    }));

    it('group-rebalance-while-flowing', recorder.scenario('group-rebalance-while-flowing', async () => {
      const topic = unique('kg');
      const groupId = unique('g');
      await createTopic(topic, 3);
      const producer = await res.producer();
      let next = 0;
      const sendSome = async (count: number) => {
        for (let i = 0; i < count; i++, next++) await producer.send({ topic, messages: [{ value: `${next}`, partition: next % 3 }] });
      };
      const a: Got[] = [];
      const b: Got[] = [];
      const first = await res.consumer({ ...FAST_CONSUMER, groupId });
      await first.subscribe({ topics: [topic], fromBeginning: true });
      await first.run({ eachMessage: collect(a) });
      await sendSome(9);
      await waitFor(() => a.length >= 9, 'the first member to read 9');
      const second = await res.consumer({ ...FAST_CONSUMER, groupId });
      await second.subscribe({ topics: [topic], fromBeginning: true });
      await second.run({ eachMessage: collect(b) });
      await sendSome(30);
      await waitFor(() => new Set([...a, ...b].map((m) => m.value)).size === 39 && b.length > 0, 'both members to read, every message to arrive', 25_000);
    }));

    it('commit-restart-resume', recorder.scenario('commit-restart-resume', async () => {
      const topic = unique('kc');
      const groupId = unique('g');
      await createTopic(topic, 1);
      const producer = await res.producer();
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}` })) });
      const consumer = await res.consumer({ ...FAST_CONSUMER, groupId });
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const first: Got[] = [];
      await consumer.run({ autoCommit: false, eachMessage: collect(first) });
      await waitFor(() => first.length >= 5, '5 messages');
      await consumer.commitOffsets([{ topic, partition: 0, offset: '5' }]);
      await consumer.disconnect();
      const again = await res.consumer({ ...FAST_CONSUMER, groupId });
      await again.subscribe({ topics: [topic], fromBeginning: true });
      const second: Got[] = [];
      await again.run({ eachMessage: collect(second) });
      await waitFor(() => second.length >= 5, 'the 5 uncommitted messages');
      expect(second.map((m) => m.value)).toEqual(['5', '6', '7', '8', '9']);
    }));

    it('seek', recorder.scenario('seek', async () => {
      const topic = unique('ks');
      await createTopic(topic, 1);
      await (await res.producer()).send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: `${i}` })) });
      const consumer = await res.consumer({ ...FAST_CONSUMER, groupId: unique('g') });
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const got: Got[] = [];
      let sought = false;
      await consumer.run({
        eachMessage: async (payload) => {
          if (!sought) {
            sought = true;
            consumer.seek({ topic, partition: 0, offset: '3' });
            return;
          }
          await collect(got)(payload);
        },
      });
      await waitFor(() => got.some((m) => m.offset === 5), 'offset 5 after the seek');
      expect(got.filter((m) => m.offset >= 3).slice(0, 3).map((m) => m.offset)).toEqual([3, 4, 5]);
    }));

    it('list-offsets', recorder.scenario('list-offsets', async () => {
      const topic = unique('kl');
      await createTopic(topic, 1);
      const base = Date.now() - 60_000;
      await (await res.producer()).send({ topic, messages: Array.from({ length: 4 }, (_, i) => ({ value: `${i}`, timestamp: String(base + i * 1000) })) });
      const admin = await res.admin();
      const [latest] = await admin.fetchTopicOffsets(topic);
      const [byTime] = await admin.fetchTopicOffsetsByTimestamp(topic, base + 2000);
      expect([latest.low, latest.high, byTime.offset]).toEqual(['0', '4', '2']);
    }));

    it('create-delete-topics', recorder.scenario('create-delete-topics', async () => {
      const topic = unique('kt');
      const admin = await res.admin();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      expect(await admin.listTopics()).toContain(topic);
      await admin.deleteTopics({ topics: [topic] });
      expect(await admin.listTopics()).not.toContain(topic);
    }));

    it('describe-groups', recorder.scenario('describe-groups', async () => {
      const topic = unique('kd');
      const groupId = unique('g');
      await createTopic(topic, 1);
      const consumer = await res.consumer({ ...FAST_CONSUMER, groupId });
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: async () => undefined });
      const admin = await res.admin();
      await waitFor(async () => (await admin.describeGroups([groupId])).groups[0]?.state === 'Stable', 'a stable group');
      const [group] = (await admin.describeGroups([groupId])).groups;
      expect([group.protocolType, group.members.length]).toEqual(['consumer', 1]);
    }));

    it('long-poll-wakeup', recorder.scenario('long-poll-wakeup', async () => {
      const topic = unique('kw');
      await createTopic(topic, 1);
      const consumer = await res.consumer({ ...FAST_CONSUMER, groupId: unique('g'), maxWaitTimeInMs: 10_000 });
      await consumer.subscribe({ topics: [topic] });
      const fetchStarted = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH_START, () => resolve()));
      const got: Got[] = [];
      await consumer.run({ eachMessage: collect(got) });
      await fetchStarted;
      const sentAt = Date.now();
      await (await res.producer()).send({ topic, messages: [{ value: 'wake' }] });
      await waitFor(() => got.length === 1, 'the message', 9_000);
      expect(Date.now() - sentAt).toBeLessThan(5_000);
    }));

    it('transactions (refused)', recorder.scenario('transactions', async () => {
      const producer = (env.kafka as Pick<Kafka, 'producer'>).producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50 } });
      let refusal = '';
      try {
        // kafkajs asks for the producer id when connecting an idempotent producer, others at transaction().
        await producer.connect().then(() => producer.transaction());
      } catch (error) {
        refusal = error instanceof Error ? error.message : String(error);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
      expect(refusal).toMatch(/invalid|request|not supported/i);
      return { outcome: 'refused', note: refusal };
    }));
  });
}
