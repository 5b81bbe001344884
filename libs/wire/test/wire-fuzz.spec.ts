import { createConnection } from 'node:net';
import { ApiKey } from '@peak/wire';
import { loadFixtures } from './support/fixtures';
import { startWireHarness, WireHarness } from './support/wire-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, logLevel } = require('kafkajs');

/** Frames the server must actually examine (a malformed one ends its connection, as in Kafka). */
const TOTAL_FRAMES = 100_000;
const FRAMES_PER_CONNECTION = 8;
/** Connections open at once; each slot is refilled as soon as its connection ends. */
const PARALLEL_CONNECTIONS = 32;
const SEED = 0x5eed;
/** Admin requests whose mutated counts would ask the broker for millions of partitions. */
const NOT_MUTATED: ReadonlySet<number> = new Set([ApiKey.CreateTopics, ApiKey.CreatePartitions, ApiKey.DeleteTopics, ApiKey.DeleteGroups]);

/** mulberry32: a small deterministic PRNG so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sizePrefixed(body: Buffer, lie = 0): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length + lie);
  return Buffer.concat([size, body]);
}

/** One fuzz frame: a mutation of a captured request, or random bytes with a plausible header. */
function makeFrame(random: () => number, corpus: Buffer[]): Buffer {
  const int = (n: number) => Math.floor(random() * n);
  const roll = random();
  if (roll < 0.15) {
    // Random body behind a random (often valid) API key and version.
    const body = Buffer.alloc(8 + int(64));
    for (let i = 0; i < body.length; i++) body[i] = int(256);
    body.writeInt16BE(random() < 0.8 ? int(23) : int(65536) - 32768, 0);
    body.writeInt16BE(int(14) - 1, 2);
    return sizePrefixed(body);
  }
  if (roll < 0.17) {
    // Pure garbage, size prefix included.
    const junk = Buffer.alloc(1 + int(32));
    for (let i = 0; i < junk.length; i++) junk[i] = int(256);
    return junk;
  }
  const body = Buffer.from(corpus[int(corpus.length)]);
  const mutations = 1 + int(4);
  let out = body;
  for (let m = 0; m < mutations; m++) {
    const kind = int(6);
    if (kind === 0) out[8 + int(out.length - 8)] ^= 1 << int(8); // bit flip past the fixed header
    else if (kind === 1) out[int(out.length)] = int(256); // byte overwrite anywhere
    else if (kind === 2) out = out.subarray(0, 8 + int(out.length - 7)); // truncation
    else if (kind === 3) out = Buffer.concat([out, Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)))]); // extension
    else if (kind === 4) out.writeInt16BE(int(14), 2); // another version of the same API
    else if (out.length >= 12) out.writeInt32BE(int(2 ** 31), 8 + int(out.length - 11)); // a big int32 somewhere
  }
  return sizePrefixed(out, random() < 0.03 ? int(64) - 32 : 0);
}

/** Sends `frames` on a fresh connection, half-closes, and waits for the server to finish with it. */
function blast(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, 3000);
    socket.on('error', done).on('close', done);
    socket.on('data', () => undefined);
    socket.on('connect', () => {
      socket.cork();
      for (const frame of frames) socket.write(frame);
      socket.uncork();
      socket.end();
    });
  });
}

describe('wire fuzz', () => {
  let harness: WireHarness;

  beforeAll(async () => {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    harness = await startWireHarness({ numPartitions: 1 });
  });

  afterAll(async () => {
    await harness.stop();
  });

  it(`examines ${TOTAL_FRAMES} random and mutated frames without failing, then serves kafkajs normally`, async () => {
    const corpus = [...loadFixtures('kafkajs-requests.json'), ...loadFixtures('kcat-requests.json')]
      .filter((f) => !NOT_MUTATED.has(f.apiKey))
      .map((f) => Buffer.from(f.hex, 'hex'));
    expect(corpus.length).toBeGreaterThan(20);
    const random = prng(SEED);
    let sent = 0;
    const started = Date.now();
    // A pool, not rounds: a connection held open by a long-polling Fetch or a parked JoinGroup
    // from the corpus occupies one slot while the others keep going. The loop ends on the count
    // of frames the server examined, never on the clock.
    const worker = async (): Promise<void> => {
      while (harness.server.stats.framesReceived < TOTAL_FRAMES) {
        const frames = Array.from({ length: FRAMES_PER_CONNECTION }, () => makeFrame(random, corpus));
        sent += frames.length;
        await blast(harness.port, frames);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_CONNECTIONS }, worker));
    const fuzzMs = Date.now() - started;
    const stats = harness.server.stats;
    console.log(
      `wire fuzz: ${sent} frames sent in ${fuzzMs} ms; server examined ${stats.framesReceived}, ` +
        `handed ${stats.requestsHandled} to the broker, closed ${stats.connectionsRejected} connections for bad input`,
    );
    expect(stats.framesReceived).toBeGreaterThanOrEqual(TOTAL_FRAMES);
    expect(stats.requestsHandled).toBeGreaterThan(TOTAL_FRAMES / 10);
    await pollUntil(() => harness.server.connectionCount === 0);
    expect(harness.server.connectionCount).toBe(0);

    const kafka = new Kafka({ brokers: [harness.bootstrap], clientId: 'after-fuzz', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'after-fuzz', messages: [{ key: 'a', value: 'still-alive-1' }, { key: 'b', value: 'still-alive-2' }] });
    const consumer = kafka.consumer({ groupId: 'after-fuzz-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'after-fuzz', fromBeginning: true });
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }: { message: { value: Buffer } }) => void values.push(message.value.toString()) });
    await pollUntil(() => values.length >= 2, 20_000);
    expect(values.sort()).toEqual(['still-alive-1', 'still-alive-2']);
    await consumer.disconnect();
    await producer.disconnect();
  }, 300_000);
});

async function pollUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
