import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function create(broker: EmbeddedBroker, topic: string) {
  return broker.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
}

describe('topic IDs', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topic-ids-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every topic its own UUID and finds the topic by it (in memory)', async () => {
    broker = await EmbeddedBroker.start({});
    await create(broker, 'a');
    await broker.metadata({ topics: ['b'], allowAutoTopicCreation: true });
    const a = broker.topicIdOf('a');
    const b = broker.topicIdOf('b');
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    expect(broker.topicNameOf(a as string)).toBe('a');
    expect(broker.topicNameOf((b as string).toUpperCase())).toBe('b');
    expect(broker.topicIdOf('missing')).toBeUndefined();
    expect(broker.topicNameOf('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('keeps a topic ID across restarts and gives a re-created topic a new one', async () => {
    broker = await EmbeddedBroker.start({ dataDir: dir });
    await create(broker, 'kept');
    const first = broker.topicIdOf('kept') as string;
    await broker.close();
    broker = await EmbeddedBroker.start({ dataDir: dir });
    expect(broker.topicIdOf('kept')).toBe(first);
    expect(broker.topicNameOf(first)).toBe('kept');

    await broker.deleteTopics({ topics: ['kept'], timeoutMs: 1000 });
    expect(broker.topicNameOf(first)).toBeUndefined();
    await create(broker, 'kept');
    const second = broker.topicIdOf('kept') as string;
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
    await broker.close();
    broker = await EmbeddedBroker.start({ dataDir: dir });
    expect(broker.topicIdOf('kept')).toBe(second);
  });

  it('assigns an ID once to a topic stored before IDs existed, and keeps it', async () => {
    broker = await EmbeddedBroker.start({ dataDir: dir });
    await create(broker, 'old');
    await broker.close();
    const metaFile = join(dir, 'broker-meta.json');
    const legacy = JSON.parse(readFileSync(metaFile, 'utf8')) as { topics: Array<{ id?: string }> };
    for (const t of legacy.topics) delete t.id;
    writeFileSync(metaFile, JSON.stringify(legacy));

    broker = await EmbeddedBroker.start({ dataDir: dir });
    const assigned = broker.topicIdOf('old');
    expect(assigned).toMatch(UUID);
    await broker.close();
    broker = await EmbeddedBroker.start({ dataDir: dir });
    expect(broker.topicIdOf('old')).toBe(assigned);
  });
});
