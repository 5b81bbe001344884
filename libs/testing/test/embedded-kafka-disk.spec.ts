import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedKafka } from '@peak/testing';

describe('startEmbeddedKafka on disk', () => {
  it("dataDir 'temp': restart() keeps topics, messages and committed offsets; the same client keeps working", async () => {
    const ek = await startEmbeddedKafka({ dataDir: 'temp', partitions: 2 });
    try {
      expect(existsSync(join(ek.dataDir as string, 'logs'))).toBe(true);
      const producer = ek.kafka.producer({ idempotent: true });
      await producer.connect();
      await producer.send({ topic: 'durable', acks: -1, messages: [{ key: 'a', value: 'before-1' }, { key: 'b', value: 'before-2' }] });
      await producer.disconnect();
      const admin = ek.kafka.admin();
      await admin.connect();
      await admin.setOffsets({ groupId: 'reader', topic: 'durable', partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
      await admin.disconnect();
      const before = ek.broker;

      await ek.restart();

      expect(ek.broker).not.toBe(before);
      expect(before.isClosed).toBe(true);
      const values = (await ek.waitForMessages('durable', 2)).map((m) => String(m.value)).sort();
      expect(values).toEqual(['before-1', 'before-2']);
      expect((await ek.consumerLag('reader')).total).toBe(2);
      const after = ek.kafka.producer();
      await after.connect();
      await after.send({ topic: 'durable', messages: [{ value: 'after' }] });
      await after.disconnect();
      expect(await ek.waitForMessages('durable', 3)).toHaveLength(3);
    } finally {
      await ek.stop();
    }
  });

  it('a dataDir of your own is kept after stop(), and a new helper on it finds the messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peak-testing-spec-'));
    try {
      const first = await startEmbeddedKafka({ dataDir: dir });
      const producer = first.kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'persisted' }] });
      await producer.disconnect();
      await first.stop();
      expect(existsSync(dir)).toBe(true);

      const second = await startEmbeddedKafka({ dataDir: dir });
      try {
        expect((await second.waitForMessages('kept', 1)).map((m) => String(m.value))).toEqual(['persisted']);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in memory, restart() gives an empty broker', async () => {
    const ek = await startEmbeddedKafka();
    try {
      await ek.createTopics('gone');
      await ek.restart();
      const admin = ek.kafka.admin();
      await admin.connect();
      expect(await admin.listTopics()).toEqual([]);
      await admin.disconnect();
    } finally {
      await ek.stop();
    }
  });
});
