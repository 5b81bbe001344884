import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { decodeRecordBatches, encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { ApiKey, ByteReader } from '@peak/wire';
import { RawWireClient, requestFrame } from '../../libs/wire/test/support/raw-wire-client';
import { createTopicsV0, produceV3, readProduceV3ErrorCode, readTopicErrorsV0 } from '../hostile/support/kafka-frames';

const ROOT = resolve(__dirname, '../..');
const TOPIC = 'seen';
/** Records the consumer must have read before the broker is killed. */
const SEEN_BEFORE_KILL = 200;

interface SeenRecord {
  offset: number;
  value: string;
}

/** Fetch v4 of partition 0 from `offset`, long-polling up to `maxWaitMs`. */
function fetchV4(correlationId: number, offset: number, maxWaitMs: number): Buffer {
  return requestFrame(ApiKey.Fetch, 4, correlationId, (w) =>
    w.int32(-1).int32(maxWaitMs).int32(1).int32(1 << 20).int8(0).array([TOPIC], (tw, t) => void tw.string(t).array([0], (pw) => void pw.int32(0).int64(offset).int32(1 << 20))),
  );
}

function readFetchV4(body: ByteReader): { errorCode: number; records: Buffer | null } {
  body.int32(); // throttle
  body.int32(); // topics
  body.string();
  body.int32(); // partitions
  body.int32();
  const errorCode = body.int16();
  body.int64(); // high watermark
  body.int64(); // last stable offset
  body.nullableArray((r) => [r.int64(), r.int64()]);
  return { errorCode, records: body.nullableBytes() };
}

/** The broker child: resolves its port; collects the synced size of each file (by inode) until it dies. */
function startBroker(dataDir: string): { child: ChildProcessWithoutNullStreams; port: Promise<number>; synced: Map<number, number>; exited: Promise<string | null> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'synced-broker.child.ts'), dataDir], { cwd: ROOT });
  const synced = new Map<number, number>();
  let stderr = '';
  let gotPort: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolvePort, reject) => {
    gotPort = resolvePort;
    child.on('exit', (code) => reject(new Error(`broker child exited (${code}) before listening: ${stderr}`)));
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const sync = /^SYNCED (\d+) (\d+)$/.exec(line);
    if (sync) synced.set(Number(sync[1]), Math.max(synced.get(Number(sync[1])) ?? 0, Number(sync[2])));
    const listening = /^PORT (\d+)$/.exec(line);
    if (listening) gotPort(Number(listening[1]));
  });
  // 'close' comes after the stdout pipe is drained: every SYNCED line written before the kill is in.
  const exited = new Promise<string | null>((resolveExit) => child.on('close', (_code, signal) => resolveExit(signal)));
  return { child, port, synced, exited };
}

/**
 * What a power loss right after the kill leaves: each segment file cut to what its last
 * completed fdatasync covered (SIGKILL alone keeps the page cache, so it would lose nothing),
 * and the indexes gone (the broker rebuilds them). As durable-reads.spec.ts models it.
 */
function cutToSynced(dir: string, synced: Map<number, number>): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) cutToSynced(file, synced);
    else if (/^\d{20}\.log$/.test(entry.name)) {
      const { ino, size } = fs.statSync(file);
      fs.truncateSync(file, Math.min(size, synced.get(ino) ?? 0));
    } else if (/^\d{20}\.index$/.test(entry.name)) fs.rmSync(file);
  }
}

describe('a consumer never sees a record that a crash right after can remove', () => {
  let dataDir: string;
  const clients: RawWireClient[] = [];
  let child: ChildProcessWithoutNullStreams | null = null;
  let restarted: EmbeddedBroker | null = null;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(join(tmpdir(), 'consumer-crash-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await restarted?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL of the broker right after a consumer read (acks=1 producer running), then a power loss: every record seen is still there and the next position is valid', async () => {
    const broker = startBroker(dataDir);
    child = broker.child;
    const port = await broker.port;
    const admin = await RawWireClient.connect(port);
    const producer = await RawWireClient.connect(port);
    const consumer = await RawWireClient.connect(port);
    clients.push(admin, producer, consumer);
    admin.send(createTopicsV0(1, [{ name: TOPIC, numPartitions: 1 }]));
    await admin.waitForResponses(1, 20_000);
    expect(readTopicErrorsV0(admin.responses[0].body)).toEqual([{ name: TOPIC, errorCode: ErrorCode.NONE }]);

    // acks=1: each send is answered once written (page cache), not once synced.
    let stop = false;
    let produced = 0;
    const producing = (async () => {
      while (!stop && !producer.closed) {
        const n = produced;
        producer.send(produceV3(n + 1, TOPIC, encodeRecordBatch([{ value: Buffer.from(`v-${n}`) }]), 1));
        try {
          await producer.waitForResponses(n + 1, 10_000);
        } catch {
          return;
        }
        if (readProduceV3ErrorCode(producer.responses[n].body) === ErrorCode.NONE) produced++;
        else return;
      }
    })();

    const seen: SeenRecord[] = [];
    let position = 0;
    for (let request = 0; seen.length < SEEN_BEFORE_KILL; request++) {
      consumer.send(fetchV4(request + 1, position, 200));
      await consumer.waitForResponses(request + 1, 10_000);
      const { errorCode, records } = readFetchV4(consumer.responses[request].body);
      expect(errorCode).toBe(ErrorCode.NONE);
      for (const r of records ? decodeRecordBatches(records).flatMap((b) => b.records) : []) {
        if (r.offset < position) continue;
        seen.push({ offset: r.offset, value: r.value?.toString() ?? '' });
        position = r.offset + 1;
      }
    }
    // Kill the broker right after the consumer's last read, while the producer is mid-stream.
    broker.child.kill('SIGKILL');
    expect(await broker.exited).toBe('SIGKILL');
    stop = true;
    await producing;
    expect(produced).toBeGreaterThanOrEqual(seen.length);

    cutToSynced(dataDir, broker.synced);
    restarted = await EmbeddedBroker.start({ dataDir });
    const fetchFrom = async (fetchOffset: number) =>
      (await restarted!.fetch({ maxWaitMs: 0, minBytes: 1, maxBytes: 8 << 20, isolationLevel: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 8 << 20 }] }] }))
        .topics[0].partitions[0];

    const kept: SeenRecord[] = [];
    for (let offset = 0; ; ) {
      const { errorCode, records } = await fetchFrom(offset);
      expect(errorCode).toBe(ErrorCode.NONE);
      const batch = records ? decodeRecordBatches(records).flatMap((b) => b.records).filter((r) => r.offset >= offset) : [];
      if (batch.length === 0) break;
      for (const r of batch) kept.push({ offset: r.offset, value: r.value?.toString() ?? '' });
      offset = batch[batch.length - 1].offset + 1;
    }
    console.log(`consumer crash: produced ${produced} (acks=1), consumer saw ${seen.length}, the log kept ${kept.length} after the kill and the cut to synced sizes`);
    // Nothing the consumer saw is gone: same offsets, same values.
    expect(kept.slice(0, seen.length)).toEqual(seen);
    // Its next position is inside the log: fetching from it is not OFFSET_OUT_OF_RANGE.
    expect((await fetchFrom(position)).errorCode).toBe(ErrorCode.NONE);
  }, 60_000);
});
