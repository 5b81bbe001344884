import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { useEmbeddedKafka, useEmbeddedPostgres } from '@peak/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('useEmbeddedKafka / useEmbeddedPostgres', () => {
  const embedded = useEmbeddedKafka({ tcp: true, topics: [{ topic: 'hooked', numPartitions: 2 }] });
  const db = useEmbeddedPostgres({ adminUrl: ADMIN_URL });

  it('start before the tests: a broker reachable in-process and over TCP, and a database', async () => {
    const kafka = new Kafka({ clientId: 'hooks', brokers: embedded().brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'hooked', messages: [{ key: 'k', value: 'from-kafkajs' }] });
    await producer.disconnect();
    expect((await embedded().waitForMessages('hooked', 1)).map((m) => String(m.value))).toEqual(['from-kafkajs']);

    const client = new Client({ connectionString: db().url });
    await client.connect();
    const { rows } = await client.query('SELECT current_database() AS name');
    await client.end();
    expect(rows[0].name).toBe(new URL(db().url).pathname.slice(1));
  });
});

describe('the getter', () => {
  const running = useEmbeddedKafka();
  // Called while jest collects tests, before any beforeAll has run.
  let early: unknown;
  try {
    running();
  } catch (error) {
    early = error;
  }

  it('throws a clear error when called before its beforeAll has run', () => {
    expect(early).toBeInstanceOf(Error);
    expect((early as Error).message).toContain('useEmbeddedKafka is not running');
  });
  it('returns the running helper inside tests', () => {
    expect(running().broker.isClosed).toBe(false);
  });
});
