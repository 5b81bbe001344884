import { BatchLayout, crc32c, encodeRecordBatch, ErrorCode, FetchRequest, FetchResponse } from '@peak/protocol';
import { ApiKey, ByteWriter, KafkaWireServer } from '@peak/wire';
import { RawWireClient, requestFrame } from './support/raw-wire-client';
import { StubBroker } from './support/stub-broker';

const MAX_REQUEST_BYTES = 64 * 1024;

function produceBody(topic: string, records: Buffer, acks = 1) {
  return (w: ByteWriter) =>
    w.nullableString(null).int16(acks).int32(1000).array([topic], (tw, t) => {
      tw.string(t).array([records], (pw, r) => pw.int32(0).bytes(r));
    });
}

function fetchBody(topic: string, offset: number, maxWaitMs: number) {
  return (w: ByteWriter) =>
    w.int32(-1).int32(maxWaitMs).int32(1).int32(1 << 20).int8(0).array([topic], (tw, t) => {
      tw.string(t).array([0], (pw) => pw.int32(0).int64(offset).int32(1 << 20));
    });
}

/** Polls `condition` each event-loop turn until it holds or 5 s pass. */
async function pollUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
}

const metadataV1Body = (w: ByteWriter) => w.int32(-1);

/** Reads a Produce v3 response body and returns the single partition's error code and offset. */
function readProduceV3(client: RawWireClient, index: number): { errorCode: number; baseOffset: number } {
  const r = client.responses[index].body;
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  return { errorCode: r.int16(), baseOffset: r.int64() };
}

describe(KafkaWireServer.name, () => {
  let broker: StubBroker;
  let server: KafkaWireServer;
  let port: number;
  const clients: RawWireClient[] = [];

  async function connect(): Promise<RawWireClient> {
    const client = await RawWireClient.connect(port);
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    broker = new StubBroker();
    server = new KafkaWireServer({ broker, port: 0, maxRequestBytes: MAX_REQUEST_BYTES, advertisedHost: 'kafka.example', advertisedPort: 19092 });
    ({ port } = await server.start());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('answers ApiVersions v0-v3 with exactly the implemented ranges (v3 flexible, v0 response header)', async () => {
    const client = await connect();
    client.send(requestFrame(ApiKey.ApiVersions, 0, 1));
    client.send(requestFrame(ApiKey.ApiVersions, 2, 2));
    client.send(
      requestFrame(ApiKey.ApiVersions, 3, 3, (w) => w.compactString('librdkafka').compactString('2.0.2').emptyTaggedFields(), { flexible: true }),
    );
    await client.waitForResponses(3);
    expect(client.responses.map((r) => r.correlationId)).toEqual([1, 2, 3]);

    const v0 = client.responses[0].body;
    expect(v0.int16()).toBe(ErrorCode.NONE);
    const v0Keys = v0.array((r) => ({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() }));
    expect(v0Keys).toEqual(server.supportedApis());
    expect(v0.remaining).toBe(0);

    const v2 = client.responses[1].body;
    v2.int16();
    expect(v2.array((r) => [r.int16(), r.int16(), r.int16()]).length).toBe(v0Keys.length);
    expect(v2.int32()).toBe(0); // throttle
    expect(v2.remaining).toBe(0);

    const v3 = client.responses[2].body; // no tagged fields after the correlation id
    expect(v3.int16()).toBe(ErrorCode.NONE);
    const v3Keys = v3.compactArray((r) => {
      const entry = { apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() };
      r.taggedFields();
      return entry;
    });
    expect(v3Keys).toEqual(v0Keys);
    expect(v3.int32()).toBe(0);
    expect(v3.taggedFields().size).toBe(0);
    expect(v3.remaining).toBe(0);
  });

  it('advertises the versions kafkajs 2.2.4 and librdkafka need', () => {
    const byKey = new Map(server.supportedApis().map((a) => [a.apiKey, a]));
    const need: Array<[number, number]> = [
      [ApiKey.Produce, 3], [ApiKey.Fetch, 4], [ApiKey.ListOffsets, 1], [ApiKey.Metadata, 1], [ApiKey.OffsetCommit, 0],
      [ApiKey.OffsetFetch, 1], [ApiKey.FindCoordinator, 0], [ApiKey.JoinGroup, 0], [ApiKey.Heartbeat, 0],
      [ApiKey.LeaveGroup, 0], [ApiKey.SyncGroup, 0], [ApiKey.DescribeGroups, 0], [ApiKey.ListGroups, 0],
      [ApiKey.ApiVersions, 0], [ApiKey.CreateTopics, 0], [ApiKey.DeleteTopics, 0], [ApiKey.InitProducerId, 0],
    ];
    for (const [key, lowest] of need) {
      expect(byKey.get(key)?.minVersion).toBeLessThanOrEqual(lowest);
    }
    expect(byKey.get(ApiKey.ApiVersions)?.maxVersion).toBe(4);
  });

  it('advertises the flexible versions @platformatic/kafka 1.x implements (it has no older ones)', () => {
    const byKey = new Map(server.supportedApis().map((a) => [a.apiKey, a]));
    const need: Array<[number, number]> = [
      [ApiKey.ApiVersions, 4], [ApiKey.Metadata, 12], [ApiKey.Produce, 11], [ApiKey.Fetch, 17], [ApiKey.FindCoordinator, 6],
      [ApiKey.JoinGroup, 9], [ApiKey.SyncGroup, 5], [ApiKey.Heartbeat, 4], [ApiKey.LeaveGroup, 5], [ApiKey.OffsetCommit, 9],
      [ApiKey.OffsetFetch, 9], [ApiKey.ListOffsets, 9], [ApiKey.InitProducerId, 5], [ApiKey.CreateTopics, 7],
      [ApiKey.DeleteTopics, 6], [ApiKey.DescribeGroups, 5], [ApiKey.ListGroups, 4], [ApiKey.DescribeConfigs, 4],
      [ApiKey.DescribeCluster, 1], [ApiKey.OffsetForLeaderEpoch, 4],
    ];
    for (const [key, highest] of need) expect([key, byKey.get(key)?.maxVersion]).toEqual([key, highest]);
  });

  it('answers kafka-python\'s version probe (ApiVersions v0 and Metadata v0 in one write) without closing', async () => {
    // Closing on Metadata v0 raced kafka-python's read of the ApiVersions answer: it then took
    // the broker for Kafka 0.9 and looped in its coordinator lookup.
    const client = await connect();
    client.send(Buffer.concat([requestFrame(ApiKey.ApiVersions, 0, 1), requestFrame(ApiKey.Metadata, 0, 2, (w) => w.int32(0))]));
    await client.waitForResponses(2);
    const metadata = client.responses[1].body;
    const brokers = metadata.array((b) => [b.int32(), b.string(), b.int32()]);
    expect(brokers.map(([nodeId]) => nodeId)).toEqual([0]);
    metadata.array((t) => [t.int16(), t.string(), t.array((p) => [p.int16(), p.int32(), p.int32(), p.array((x) => x.int32()), p.array((x) => x.int32())])]);
    expect(metadata.remaining).toBe(0);
    expect(client.closed).toBe(false);
  });

  it('answers an unsupported ApiVersions version with UNSUPPORTED_VERSION in the v0 shape', async () => {
    const client = await connect();
    client.send(requestFrame(ApiKey.ApiVersions, 9, 77, (w) => w.compactString('future').compactString('9').emptyTaggedFields(), { flexible: true }));
    await client.waitForResponses(1);
    const r = client.responses[0];
    expect(r.correlationId).toBe(77);
    expect(r.body.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(r.body.array((x) => [x.int16(), x.int16(), x.int16()])).toEqual([[ApiKey.ApiVersions, 0, 4]]);
    expect(r.body.remaining).toBe(0);
    expect(client.closed).toBe(false);
  });

  it('writes the advertised host and port into Metadata and FindCoordinator', async () => {
    const client = await connect();
    client.send(requestFrame(ApiKey.Metadata, 1, 1, metadataV1Body));
    client.send(requestFrame(ApiKey.FindCoordinator, 0, 2, (w) => w.string('g')));
    await client.waitForResponses(2);
    const md = client.responses[0].body;
    expect(md.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()])).toEqual([[0, 'kafka.example', 19092, null]]);
    expect(md.int32()).toBe(0); // controller id
    const fc = client.responses[1].body;
    expect([fc.int16(), fc.int32(), fc.string(), fc.int32()]).toEqual([0, 0, 'kafka.example', 19092]);
  });

  it('keeps responses in request order while a Fetch long-polls', async () => {
    const client = await connect();
    client.send(requestFrame(ApiKey.Metadata, 1, 1, metadataV1Body)); // creates nothing; topic list empty
    client.send(requestFrame(ApiKey.Fetch, 4, 2, fetchBody('orders', 0, 400)));
    client.send(requestFrame(ApiKey.Metadata, 1, 3, metadataV1Body));
    client.send(requestFrame(ApiKey.ApiVersions, 0, 4));
    await client.waitForResponses(1);
    // The metadata behind the fetch has been handled but must wait for the fetch's answer.
    expect(client.responses.map((r) => r.correlationId)).toEqual([1]);
    await client.waitForResponses(4);
    expect(client.responses.map((r) => r.correlationId)).toEqual([1, 2, 3, 4]);
  });

  it('answers a long-polling Fetch as soon as data arrives from another connection', async () => {
    const consumer = await connect();
    const producer = await connect();
    const batch = encodeRecordBatch([{ value: Buffer.from('hello') }]);
    producer.send(requestFrame(ApiKey.Produce, 3, 1, produceBody('orders', batch)));
    await producer.waitForResponses(1);
    consumer.send(requestFrame(ApiKey.Fetch, 4, 9, fetchBody('orders', 1, 10_000)));
    // Produce only once the broker holds the fetch parked, so the answer must come from the wake-up.
    const deadline = Date.now() + 5000;
    while (broker.parkedFetches === 0) {
      if (Date.now() > deadline) throw new Error('the fetch was never parked');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(consumer.responses).toHaveLength(0);
    producer.send(requestFrame(ApiKey.Produce, 3, 2, produceBody('orders', batch)));
    // The fetch waits up to 10 s; waitForResponses throws after 5 s, so an answer here came from the produce.
    await consumer.waitForResponses(1, 5000);
    const r = consumer.responses[0].body;
    r.int32(); // throttle
    r.int32(); // topics
    expect(r.string()).toBe('orders');
    r.int32();
    expect([r.int32(), r.int16(), r.int64()]).toEqual([0, 0, 2]); // partition, error, high watermark
    r.int64(); // last stable
    expect(r.int32()).toBe(0); // aborted transactions
    const records = r.bytes();
    expect(records.length).toBeGreaterThan(BatchLayout.HEADER_SIZE);
    expect(r.remaining).toBe(0);
  });

  it('sends no response to acks=0 but still answers the next request', async () => {
    const client = await connect();
    const batch = encodeRecordBatch([{ value: Buffer.from('fire and forget') }]);
    client.send(requestFrame(ApiKey.Produce, 3, 1, produceBody('orders', batch, 0)));
    client.send(requestFrame(ApiKey.ApiVersions, 0, 2));
    await client.waitForResponses(1);
    expect(client.responses.map((r) => r.correlationId)).toEqual([2]);
    expect(broker.logs.get('orders')?.[0].length).toBe(1);
  });

  it('rejects a batch with a bad CRC as CORRUPT_MESSAGE without storing it', async () => {
    const client = await connect();
    const batch = encodeRecordBatch([{ value: Buffer.from('tampered') }]);
    batch[batch.length - 1] ^= 0xff;
    client.send(requestFrame(ApiKey.Produce, 3, 1, produceBody('orders', batch)));
    await client.waitForResponses(1);
    expect(readProduceV3(client, 0).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(broker.calls).not.toContain('produce');
  });

  it('hands the broker record bytes that frames read afterwards never overwrite', async () => {
    const client = await connect();
    const batches = ['first', 'second', 'third'].map((v) => encodeRecordBatch([{ value: Buffer.alloc(300, v) }]));
    const frames = batches.map((b, i) => requestFrame(ApiKey.Produce, 3, i + 1, produceBody('orders', b)));
    // Frame 1 arrives alone; frames 2 and 3 in pieces (the parser joins them, one piece holds
    // the end of one and the start of the other); then more traffic on the same connection.
    client.send(frames[0]);
    await client.waitForResponses(1);
    const rest = Buffer.concat([frames[1], frames[2]]);
    client.send(rest.subarray(0, 100));
    client.send(rest.subarray(100, 200));
    client.send(rest.subarray(200));
    for (let i = 0; i < 20; i++) client.send(requestFrame(ApiKey.Metadata, 1, 10 + i, metadataV1Body));
    await client.waitForResponses(23);
    expect(broker.receivedRecords).toHaveLength(3);
    broker.receivedRecords.forEach((received, i) => expect(received.equals(batches[i])).toBe(true));
  });

  it('rejects snappy-compressed batches with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const client = await connect();
    const batch = encodeRecordBatch([{ value: Buffer.from('x') }]);
    batch.writeInt16BE(2, BatchLayout.ATTRIBUTES); // codec 2 = snappy
    batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
    client.send(requestFrame(ApiKey.Produce, 3, 1, produceBody('orders', batch)));
    await client.waitForResponses(1);
    expect(readProduceV3(client, 0).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('reassembles requests written one byte at a time', async () => {
    const client = await connect();
    const bytes = Buffer.concat([requestFrame(ApiKey.ApiVersions, 1, 1), requestFrame(ApiKey.Metadata, 1, 2, metadataV1Body)]);
    for (let i = 0; i < bytes.length; i++) client.socket.write(bytes.subarray(i, i + 1));
    await client.waitForResponses(2);
    expect(client.responses.map((r) => r.correlationId)).toEqual([1, 2]);
  });

  it.each([
    ['an unknown API key', requestFrame(999, 0, 5)],
    ['an unsupported version of a known API', requestFrame(ApiKey.Produce, 2, 5)],
    ['a truncated body', requestFrame(ApiKey.Metadata, 1, 5, (w) => w.int32(3).int16(100))],
    ['a frame above maxRequestBytes', Buffer.from([0x00, 0x10, 0x00, 0x00, 0, 0, 0, 0])],
    ['a negative size prefix', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
    ['garbage shorter than a header', Buffer.from([0, 0, 0, 3, 1, 2, 3])],
  ])('closes the connection on %s, after answering what came before; others keep working', async (_name, bad) => {
    const victim = await connect();
    const bystander = await connect();
    victim.send(Buffer.concat([requestFrame(ApiKey.ApiVersions, 0, 1), bad, requestFrame(ApiKey.ApiVersions, 0, 6)]));
    await victim.waitForClose();
    expect(victim.responses.map((r) => r.correlationId)).toEqual([1]);
    bystander.send(requestFrame(ApiKey.ApiVersions, 0, 2));
    await bystander.waitForResponses(1);
    expect(bystander.responses[0].correlationId).toBe(2);
  });

  it('closes the connection when the broker fails a request, and keeps serving others', async () => {
    const failing = new StubBroker();
    failing.listGroups = () => Promise.reject(new Error('disk on fire'));
    const other = new KafkaWireServer({ broker: failing, port: 0 });
    const { port: otherPort } = await other.start();
    try {
      const client = await RawWireClient.connect(otherPort);
      client.send(requestFrame(ApiKey.ListGroups, 0, 1));
      await client.waitForClose();
      const healthy = await RawWireClient.connect(otherPort);
      healthy.send(requestFrame(ApiKey.ApiVersions, 0, 2));
      await healthy.waitForResponses(1);
      healthy.close();
    } finally {
      await other.close();
    }
  });

  it('aborts a connection’s long poll when the client disconnects', async () => {
    let seen: FetchRequest | undefined;
    broker.fetch = (request: FetchRequest) => {
      seen = request;
      return new Promise<FetchResponse>((resolve) =>
        request.signal?.addEventListener('abort', () => resolve({ throttleTimeMs: 0, errorCode: 0, topics: [] })),
      );
    };
    const client = await connect();
    client.send(requestFrame(ApiKey.Fetch, 4, 1, fetchBody('orders', 0, 60_000)));
    await pollUntil(() => seen !== undefined);
    expect(seen?.signal?.aborted).toBe(false);
    client.close();
    await pollUntil(() => seen?.signal?.aborted === true);
    expect(seen?.signal?.aborted).toBe(true);
  });

  it('close() ends open connections', async () => {
    const client = await connect();
    client.send(requestFrame(ApiKey.ApiVersions, 0, 1));
    await client.waitForResponses(1);
    expect(server.connectionCount).toBe(1);
    await server.close();
    await client.waitForClose();
  });
});
