import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddedBroker } from '@peak/broker';
import { encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { ApiKey, KafkaWireServer } from '@peak/wire';
import { RawWireClient, requestFrame } from '../../libs/wire/test/support/raw-wire-client';
import { createTopicsV0, deleteTopicsV0, framed, metadataV1, produceV3, readMetadataV1, readProduceV3ErrorCode, readTopicErrorsV0 } from './support/kafka-frames';
import { ProbeConnection, ProbeFigures } from './support/probe-connection';
import { heapUsedMbAfterGc, openDescriptors, pollUntil } from './support/process-resources';

/**
 * Issue 12, item 6: raw Kafka frames from a hostile or careless client against a real
 * KafkaWireServer + EmbeddedBroker on disk. Each case asserts Kafka's answer (or a closed
 * connection) and, measured by a probe connection that sends Metadata back to back meanwhile,
 * that no other client waits more than STALL_BOUND_MS for an answer; afterwards the process's
 * descriptors return to where they were and the heap does not keep what the case allocated.
 */

/**
 * The stall bound the issue sets for the suite's own measurement (availability, not speed),
 * applied to each gap between two probe answers less the time the OS kept the (runnable) main
 * thread waiting for a CPU. Wall-clock gaps also hold that wait: on the shared 2-core machine,
 * under a load of 5, a poll with a 1 ms timeout was seen returning after 110 ms (strace) while
 * the broker did nothing. Wall-clock gaps are reported, and bounded by WALL_GAP_CEILING_MS.
 */
const STALL_BOUND_MS = 100;
/** A wall-clock gap this long is a lock-up whatever the machine's load. */
const WALL_GAP_CEILING_MS = 1_000;
/** Heap growth (after a full GC) a case may leave behind: caches and JIT, not the case's allocation. */
const HEAP_SLACK_MB = 24;
/** Partitions of the legal big CreateTopics (disk: one directory and two lazily opened files each). */
const LEGAL_PARTITIONS = 3_000;
/** Names in the auto-creating Metadata request. */
const METADATA_NAMES = 5_000;
/** The broker's default maxAutoCreatedTopicsPerRequest. */
const AUTO_CREATED_PER_REQUEST = 100;
const IDLE_CONNECTIONS = 2_000;
const INT32_MAX = 2_147_483_647;

interface CaseFigures {
  name: string;
  worstGapMs: number;
  worstHeldMs: number;
  probeAnswers: number;
  caseMs: number;
  fdDelta: number;
  heapDeltaMb: number;
}

describe('hostile input over the wire (disk broker)', () => {
  let dataDir: string;
  let broker: EmbeddedBroker;
  let server: KafkaWireServer;
  let port: number;
  const clients: RawWireClient[] = [];
  const figures: CaseFigures[] = [];
  let correlation = 1000;

  async function connect(): Promise<RawWireClient> {
    const client = await RawWireClient.connect(port);
    clients.push(client);
    return client;
  }

  /** Sends one request and resolves with the body of its answer. */
  async function ask(client: RawWireClient, frame: (correlationId: number) => Buffer, timeoutMs = 60_000) {
    const correlationId = ++correlation;
    const before = client.responses.length;
    client.send(frame(correlationId));
    await client.waitForResponses(before + 1, timeoutMs);
    const response = client.responses[before];
    expect(response.correlationId).toBe(correlationId);
    return response.body;
  }

  /**
   * Runs `work` while a probe connection asks Metadata back to back, then checks the stall
   * bound, the descriptors and the heap against what they were before the case.
   */
  async function underProbe(name: string, work: () => Promise<void>): Promise<void> {
    const fdsBefore = openDescriptors();
    const heapBefore = heapUsedMbAfterGc();
    const probe = await ProbeConnection.start(port);
    const started = performance.now();
    let stopped: ProbeFigures;
    try {
      await work();
    } finally {
      stopped = await probe.stop();
    }
    const caseMs = Math.round(performance.now() - started);
    for (const c of clients.splice(0)) c.close();
    const fdsBack = await pollUntil(() => openDescriptors() <= fdsBefore, 10_000);
    const fdDelta = openDescriptors() - fdsBefore;
    const heapDeltaMb = Math.round((heapUsedMbAfterGc() - heapBefore) * 10) / 10;
    figures.push({ name, worstGapMs: stopped.worstGapMs, worstHeldMs: stopped.worstHeldMs, probeAnswers: stopped.answers, caseMs, fdDelta, heapDeltaMb });
    expect(stopped.answers).toBeGreaterThan(0);
    expect(stopped.worstHeldMs).toBeLessThan(STALL_BOUND_MS);
    expect(stopped.worstGapMs).toBeLessThan(WALL_GAP_CEILING_MS);
    expect({ fdsBack, fdDelta }).toEqual({ fdsBack: true, fdDelta: expect.any(Number) });
    expect(heapDeltaMb).toBeLessThan(HEAP_SLACK_MB);
  }

  async function topicNames(): Promise<string[]> {
    const client = await RawWireClient.connect(port);
    try {
      return readMetadataV1(await ask(client, (id) => metadataV1(id, null))).map((t) => t.name);
    } finally {
      client.close();
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hostile-'));
    broker = await EmbeddedBroker.start({ dataDir, autoCreateTopics: true });
    server = new KafkaWireServer({ broker, port: 0 });
    ({ port } = await server.start());
    // Warm up the code paths the probe and the cases use, so the first case's figures are not JIT.
    const warm = await RawWireClient.connect(port);
    await ask(warm, (id) => createTopicsV0(id, [{ name: 'warm-up', numPartitions: 4 }]));
    await ask(warm, (id) => metadataV1(id, ['warm-up']));
    await ask(warm, (id) => deleteTopicsV0(id, ['warm-up']));
    warm.close();
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    await broker?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (figures.length) {
      console.log(
        'hostile suite (worst gap between probe answers; worst gap less the run-queue wait):\n' +
          figures.map((f) => `  ${f.name}: worst gap ${f.worstGapMs} ms, held ${f.worstHeldMs} ms, over ${f.probeAnswers} answers, case ${f.caseMs} ms, fds ${f.fdDelta >= 0 ? '+' : ''}${f.fdDelta}, heap ${f.heapDeltaMb >= 0 ? '+' : ''}${f.heapDeltaMb} MiB`).join('\n'),
      );
    }
  });

  it('CreateTopics v0 with 2,147,483,647 partitions: INVALID_PARTITIONS, nothing created', async () => {
    await underProbe('CreateTopics 2^31-1 partitions', async () => {
      const client = await connect();
      const [answer] = readTopicErrorsV0(await ask(client, (id) => createTopicsV0(id, [{ name: 'huge', numPartitions: INT32_MAX }])));
      expect(answer).toEqual({ name: 'huge', errorCode: ErrorCode.INVALID_PARTITIONS });
    });
    expect(await topicNames()).not.toContain('huge');
  });

  it('CreateTopics with 100,000 partitions on disk: INVALID_PARTITIONS, no directory left', async () => {
    await underProbe('CreateTopics 100,000 partitions', async () => {
      const client = await connect();
      const [answer] = readTopicErrorsV0(await ask(client, (id) => createTopicsV0(id, [{ name: 'hundred-k', numPartitions: 100_000 }])));
      expect(answer).toEqual({ name: 'hundred-k', errorCode: ErrorCode.INVALID_PARTITIONS });
    });
    expect(await topicNames()).not.toContain('hundred-k');
  });

  it(`a legal big CreateTopics (${LEGAL_PARTITIONS} partitions on disk) and its DeleteTopics are served in slices`, async () => {
    await underProbe(`CreateTopics + DeleteTopics ${LEGAL_PARTITIONS} partitions`, async () => {
      const client = await connect();
      const [created] = readTopicErrorsV0(await ask(client, (id) => createTopicsV0(id, [{ name: 'big', numPartitions: LEGAL_PARTITIONS }])));
      expect(created).toEqual({ name: 'big', errorCode: ErrorCode.NONE });
      const [described] = readMetadataV1(await ask(client, (id) => metadataV1(id, ['big'])));
      expect(described).toEqual({ name: 'big', errorCode: ErrorCode.NONE, partitions: LEGAL_PARTITIONS });
      const [deleted] = readTopicErrorsV0(await ask(client, (id) => deleteTopicsV0(id, ['big'])));
      expect(deleted).toEqual({ name: 'big', errorCode: ErrorCode.NONE });
    });
    expect(await topicNames()).not.toContain('big');
  }, 90_000);

  it(`Metadata v1 naming ${METADATA_NAMES} new topics (auto-create on): at most ${AUTO_CREATED_PER_REQUEST} created, the rest LEADER_NOT_AVAILABLE`, async () => {
    const names = Array.from({ length: METADATA_NAMES }, (_, i) => `auto-${i}`);
    let created: string[] = [];
    await underProbe(`Metadata v1 naming ${METADATA_NAMES} new topics`, async () => {
      const client = await connect();
      const answer = readMetadataV1(await ask(client, (id) => metadataV1(id, names)));
      expect(answer).toHaveLength(METADATA_NAMES);
      expect(answer.filter((t) => t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE)).toEqual([]);
      expect(answer.filter((t) => t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE).length).toBeGreaterThanOrEqual(METADATA_NAMES - AUTO_CREATED_PER_REQUEST);
      created = readMetadataV1(await ask(client, (id) => metadataV1(id, null)))
        .map((t) => t.name)
        .filter((n) => n.startsWith('auto-'));
      expect(created.length).toBeGreaterThan(0);
      expect(created.length).toBeLessThanOrEqual(AUTO_CREATED_PER_REQUEST);
      // Remove them again inside the case, so descriptors and heap can be compared with before.
      const deleted = readTopicErrorsV0(await ask(client, (id) => deleteTopicsV0(id, created)));
      expect(deleted.filter((d) => d.errorCode !== ErrorCode.NONE)).toEqual([]);
    });
    expect((await topicNames()).filter((n) => n.startsWith('auto-'))).toEqual([]);
  }, 60_000);

  it('a batch with a bad CRC: CORRUPT_MESSAGE, nothing stored, the connection stays usable', async () => {
    await underProbe('Produce with a bad CRC', async () => {
      const client = await connect();
      const batch = encodeRecordBatch([{ value: Buffer.from('tampered') }]);
      batch[batch.length - 1] ^= 0xff;
      expect(readProduceV3ErrorCode(await ask(client, (id) => produceV3(id, 'crc', batch)))).toBe(ErrorCode.CORRUPT_MESSAGE);
      const good = encodeRecordBatch([{ value: Buffer.from('intact') }]);
      expect(readProduceV3ErrorCode(await ask(client, (id) => produceV3(id, 'crc', good)))).toBe(ErrorCode.NONE);
      const latest = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: 'crc', partitions: [{ partition: 0, timestamp: -1 }] }] });
      expect(latest.topics[0].partitions[0].offset).toBe(1);
      // The partition written to keeps its files open (within maxOpenLogFiles) while it exists.
      expect(readTopicErrorsV0(await ask(client, (id) => deleteTopicsV0(id, ['crc'])))).toEqual([{ name: 'crc', errorCode: ErrorCode.NONE }]);
    });
  });

  it.each([
    ['a negative frame length', framed(-1, Buffer.alloc(8))],
    ['a frame length of 2,147,483,647 (above the 100 MiB request limit)', framed(INT32_MAX, Buffer.alloc(8))],
    ['a frame shorter than a request header', framed(3, Buffer.from([1, 2, 3]))],
    ['an unknown API key', requestFrame(999, 0, 7)],
    ['an unsupported version of Metadata', requestFrame(ApiKey.Metadata, 999, 7)],
    ['a truncated Metadata request (array of 3 names, body ends after 2 bytes)', requestFrame(ApiKey.Metadata, 1, 7, (w) => void w.int32(3).int16(100))],
    ['a truncated CreateTopics request (count only)', requestFrame(ApiKey.CreateTopics, 0, 7, (w) => void w.int32(INT32_MAX))],
  ])('%s: the connection is closed after answering what came before', async (name, bad) => {
    await underProbe(name, async () => {
      const victim = await connect();
      victim.send(Buffer.concat([requestFrame(ApiKey.ApiVersions, 0, 1), bad, requestFrame(ApiKey.ApiVersions, 0, 2)]));
      await victim.waitForClose(10_000);
      expect(victim.responses.map((r) => r.correlationId)).toEqual([1]);
    });
  });

  it('an unsupported ApiVersions version: UNSUPPORTED_VERSION in the v0 shape, the connection stays open', async () => {
    await underProbe('ApiVersions v999', async () => {
      const client = await connect();
      const body = await ask(client, (id) => requestFrame(ApiKey.ApiVersions, 999, id));
      expect(body.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(client.closed).toBe(false);
    });
  });

  it('a frame that never completes (length 1,000, 10 bytes sent) holds only its own connection', async () => {
    await underProbe('incomplete frame left open', async () => {
      const stuck = await connect();
      stuck.send(framed(1000, Buffer.alloc(10)));
      const other = await connect();
      await ask(other, (id) => requestFrame(ApiKey.ApiVersions, 0, id));
      expect(stuck.responses).toHaveLength(0);
      expect(stuck.closed).toBe(false);
    });
  });

  it(`${IDLE_CONNECTIONS} idle connections: every one still served, descriptors released when they close`, async () => {
    await underProbe(`${IDLE_CONNECTIONS} idle connections`, async () => {
      for (let opened = 0; opened < IDLE_CONNECTIONS; opened += 100) {
        await Promise.all(Array.from({ length: 100 }, () => connect()));
      }
      expect(await pollUntil(() => server.connectionCount >= IDLE_CONNECTIONS)).toBe(true);
      const sample = [clients[0], clients[Math.floor(IDLE_CONNECTIONS / 2)], clients[IDLE_CONNECTIONS - 1]];
      for (const client of sample) await ask(client, (id) => requestFrame(ApiKey.ApiVersions, 0, id));
    });
    expect(await pollUntil(() => server.connectionCount === 0)).toBe(true);
  }, 60_000);
});
