/**
 * `npm run dlq`: a message a consumer gave up on (here: a handler that cannot process it yet)
 * is listed with the error its consumer recorded, and once the cause is fixed, replayed to its
 * topic and processed. The command talks to the broker over TCP like any Kafka tool.
 */
import type { Kafka } from 'kafkajs';
import { dlqTopic, DlqHeaders } from '@peak/contracts';
import { PeakKafkaServer } from '@peak/messaging';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { runDlqCommand } from '../../scripts/dlq/main';
import { REPLAYED_FROM_HEADER } from '../../scripts/dlq/dead-letters';

const TOPIC = 'work.items';
const GROUP = 'workers';

describe('npm run dlq', () => {
  let embedded: EmbeddedKafka;
  let server: PeakKafkaServer | null = null;

  beforeEach(async () => {
    embedded = await startEmbeddedKafka({ tcp: true, topics: [{ topic: TOPIC, numPartitions: 2 }, { topic: dlqTopic(TOPIC), numPartitions: 1 }] });
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await embedded.stop();
  });

  /** A consumer group whose handler fails for good on items it cannot handle yet (`broken`). */
  async function startWorkers(broken: ReadonlySet<string>, handled: string[]): Promise<void> {
    server = new PeakKafkaServer({
      kafka: () => embedded.kafka as unknown as Kafka,
      defaultGroup: GROUP,
      membersPerGroup: 1,
      retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 },
      decode: (_topic, message) => message.value?.toString() ?? '',
      consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 50 },
    });
    server.addHandler(
      TOPIC,
      async (item: string) => {
        if (broken.has(item)) throw new Error(`cannot handle ${item} yet`);
        handled.push(item);
      },
      true,
    );
    await new Promise<void>((resolve, reject) => void server!.listen((err?: unknown) => (err ? reject(err) : resolve())));
  }

  async function dlq(...args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await runDlqCommand(args, (l) => lines.push(l), embedded.brokers.join(','));
    return { code, out: lines.join('\n') };
  }

  it('lists what a consumer gave up on with its error, and replays it to its topic once the cause is fixed', async () => {
    const producer = embedded.kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: ['a', 'b', 'poison', 'c'].map((v) => ({ key: v, value: v, headers: { 'schema-version': '1' } })) });
    await producer.disconnect();

    const handled: string[] = [];
    await startWorkers(new Set(['poison']), handled);
    const [dead] = await embedded.waitForMessages(dlqTopic(TOPIC), 1);
    expect(dead.headers?.[DlqHeaders.ConsumerGroup]?.toString()).toBe(GROUP);

    const listed = await dlq('list', TOPIC);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${dlqTopic(TOPIC)}@0:0 key=poison from ${TOPIC}@`);
    expect(listed.out).toContain(`group=${GROUP} attempts=2`);
    expect(listed.out).toContain('Error: cannot handle poison yet');
    expect(listed.out).toContain('1 dead letter(s) in 1 DLQ topic(s)');
    expect((await dlq('list')).out).toContain('1 dead letter(s) in 1 DLQ topic(s)'); // every .DLQ topic

    const dry = await dlq('replay', TOPIC, '--dry-run');
    expect(dry.out).toContain('would replay');
    expect(dry.out).toContain('nothing published');

    // The cause is fixed (a new version of the consumer), then the dead letter is replayed.
    await server!.close();
    server = null;
    const afterFix: string[] = [];
    await startWorkers(new Set(), afterFix);
    const replayed = await dlq('replay', TOPIC);
    expect(replayed.out).toContain(`replayed 1 dead letter(s) of 1 record(s): 1 to ${TOPIC}`);

    const all = await embedded.waitForMessages(TOPIC, 5);
    const again = all.find((m) => m.headers?.[REPLAYED_FROM_HEADER] !== undefined);
    expect(again?.key?.toString()).toBe('poison');
    expect(again?.headers?.[REPLAYED_FROM_HEADER]?.toString()).toBe(`${dlqTopic(TOPIC)}@0:0`);
    expect(again?.headers?.['schema-version']?.toString()).toBe('1'); // the original headers travel
    expect(Object.keys(again?.headers ?? {}).filter((h) => h.startsWith('dlq-') && h !== REPLAYED_FROM_HEADER)).toEqual([]);
    const deadline = Date.now() + 10_000;
    while (!afterFix.includes('poison')) {
      if (Date.now() > deadline) throw new Error(`the replayed item was not handled; handled: ${afterFix.join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(handled.sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses a bad offset and an unknown command with a clear error', async () => {
    await expect(dlq('replay', TOPIC, '--from', 'x3')).rejects.toThrow(/--from must be an offset/);
    await expect(dlq('purge')).rejects.toThrow(/unknown command purge/);
    expect((await dlq('--help')).out).toContain('Usage: npm run dlq');
  });

  it('replays a record that several groups gave up on once: one publish reaches every group again', async () => {
    const { distinctRecords } = await import('../../scripts/dlq/dead-letters');
    const letter = (group: string, offset: number) => ({
      dlqTopic: dlqTopic(TOPIC), partition: 0, offset, key: 'poison', originalTopic: TOPIC, originalPartition: '1', originalOffset: '7',
      consumerGroup: group, errorName: 'Error', error: 'bad', attempts: '1', failedAt: '', replay: { key: 'poison', value: 'x' },
    });
    expect(distinctRecords([letter('auth', 0), letter('course-validation', 1), letter('order-service', 2)]).map((l) => l.consumerGroup)).toEqual(['auth']);
  });
});
