import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { decodeRecordBatches, validateBatch, batchSizeAt } from '@peak/protocol';

const ROOT = resolve(__dirname, '../..');

/** Starts the child and resolves with the acknowledged ids once `minAcks` ids are acked, after killing it with SIGKILL. */
function produceUntilKilled(dataDir: string, minAcks: number): Promise<Set<number>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'acks-all-producer.child.ts'), dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Set<number>();
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^ACK (\d+) (\d+)$/.exec(line);
      if (!m) return;
      for (let id = Number(m[1]); id <= Number(m[2]); id++) acked.add(id);
      if (!killed && acked.size >= minAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise(acked);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('crash safety of acks=-1', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged message exactly once after SIGKILL, and reads are clean', async () => {
    const acked = await produceUntilKilled(dataDir, 20_000);
    expect(acked.size).toBeGreaterThanOrEqual(20_000);

    const broker = await EmbeddedBroker.start({ dataDir });
    try {
      const seen = new Map<number, number>();
      const md = await broker.metadata({ topics: ['crash'], allowAutoTopicCreation: false });
      for (const { partition } of md.topics[0].partitions) {
        let offset = 0;
        for (;;) {
          const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, maxBytes: 4 << 20, isolationLevel: 0, topics: [{ topic: 'crash', partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 4 << 20 }] }] });
          const records = res.topics[0].partitions[0].records;
          if (!records || records.length === 0) break;
          // Every served batch is whole and passes its CRC: a crash never yields a corrupt read.
          for (let pos = 0; pos < records.length; ) {
            const size = batchSizeAt(records, pos);
            expect(size).toBeGreaterThan(0);
            validateBatch(records, pos, size);
            pos += size;
          }
          for (const batch of decodeRecordBatches(records)) {
            for (const r of batch.records) {
              if (r.offset < offset) continue;
              const id = Number(r.value?.toString().slice(4));
              seen.set(id, (seen.get(id) ?? 0) + 1);
              offset = r.offset + 1;
            }
          }
        }
      }
      const missing = [...acked].filter((id) => !seen.has(id));
      const duplicated = [...seen].filter(([, n]) => n > 1);
      expect(missing).toEqual([]);
      expect(duplicated).toEqual([]);
    } finally {
      await broker.close();
    }
  }, 120_000);
});
