import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { fetchFrom, recordsOf } from '../broker/broker-test-helpers';

const ROOT = resolve(__dirname, '../../../..');

interface Acked {
  producerId: number;
  /** Sequence → offset of every acknowledged batch. */
  offsets: Map<number, number>;
}

/** Runs the child until `minAcks` batches are acknowledged, then kills it with SIGKILL. */
function produceUntilKilled(dataDir: string, minAcks: number): Promise<Acked> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'idempotent-producer.child.ts'), dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: Acked = { producerId: -1, offsets: new Map() };
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const pid = /^PID (\d+)$/.exec(line);
      if (pid) acked.producerId = Number(pid[1]);
      const ack = /^ACK (\d+) (\d+)$/.exec(line);
      if (ack) acked.offsets.set(Number(ack[1]), Number(ack[2]));
      if (acked.offsets.size >= minAcks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done(acked) : fail(new Error(`child exited with ${code}: ${stderr}`))));
  });
}

function retry(broker: EmbeddedBroker, producerId: number, seq: number, epoch = 0) {
  const records = encodeRecordBatch([{ key: null, value: Buffer.from(`s${seq}`) }], { producerId, producerEpoch: epoch, baseSequence: seq });
  return broker.produce({ transactionalId: null, acks: -1, timeoutMs: 5000, topics: [{ topic: 'idem', partitions: [{ partition: 0, records }] }] }).then((r) => r.topics[0].partitions[0]);
}

describe('idempotent producer across a SIGKILL of the broker', () => {
  let dataDir: string;
  let broker: EmbeddedBroker | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'idem-crash-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a retried batch with its original offset, and the log holds every batch once', async () => {
    const acked = await produceUntilKilled(dataDir, 200);
    const lastAcked = Math.max(...acked.offsets.keys());
    broker = await EmbeddedBroker.start({ dataDir });

    // The producer never saw answers for what was in flight: it retries the last acknowledged
    // batch and the one after it (which the killed broker may or may not have written).
    const again = await retry(broker, acked.producerId, lastAcked);
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: acked.offsets.get(lastAcked) });
    const next = await retry(broker, acked.producerId, lastAcked + 1);
    expect(next.errorCode).toBe(ErrorCode.NONE);
    expect((await retry(broker, acked.producerId, lastAcked + 1)).baseOffset).toBe(next.baseOffset);

    const values = recordsOf((await fetchFrom(broker, 'idem', 0, { maxBytes: 16 << 20 })).records).map((r) => r.value);
    const expected = Array.from({ length: lastAcked + 2 }, (_, seq) => `s${seq}`);
    expect(values).toEqual(expected);
  }, 60_000);

  it('applies Kafka\'s sequence rules after a restart: a gap, a new epoch and an old epoch', async () => {
    const acked = await produceUntilKilled(dataDir, 20);
    const lastAcked = Math.max(...acked.offsets.keys());
    broker = await EmbeddedBroker.start({ dataDir });
    // The child may have written one more batch than it acknowledged; skip past both.
    expect((await retry(broker, acked.producerId, lastAcked + 5)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await retry(broker, acked.producerId, 7, 1)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await retry(broker, acked.producerId, 0, 1)).errorCode).toBe(ErrorCode.NONE);
    expect((await retry(broker, acked.producerId, 1, 0)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // A producer id with no state in this partition is accepted at any sequence.
    expect((await retry(broker, acked.producerId + 1000, 42)).errorCode).toBe(ErrorCode.NONE);
  }, 60_000);
});
