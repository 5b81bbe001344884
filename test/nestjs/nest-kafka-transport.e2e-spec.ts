/**
 * The stock NestJS Kafka transport (@nestjs/microservices 12, Transport.KAFKA, kafkajs 2.2.4)
 * against our broker over TCP: EmbeddedBroker behind KafkaWireServer on an ephemeral port.
 * No custom strategy, no customClass, no patches: only options a Nest user sets anyway
 * (brokers, groupId, short group timeouts so rebalances are quick in a test).
 */
import { INestApplication, INestMicroservice, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ClientKafka, ClientsModule, KafkaOptions, MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Test, TestingModule } from '@nestjs/testing';
import { lastValueFrom, timeout } from 'rxjs';
import { startWireHarness, WireHarness } from '../../libs/wire/test/support/wire-harness';
import {
  Delivery,
  EchoController,
  FailingRpcController,
  FanOutController,
  FlakyEventsController,
  ManualCommitController,
  MathController,
  OrderEventsController,
  RECORDER,
  Recorder,
  TOPICS,
} from './nest-kafka.fixtures';
import {
  CapturingLogger,
  FAST_GROUP,
  GroupMemberLike,
  nextFetch,
  RecordMetadataLike,
  REPLY_TIMEOUT_MS,
  waitUntil,
} from './nest-kafka.support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, AssignerProtocol, logLevel } = require('kafkajs');

describe('NestJS Transport.KAFKA (stock) against the embedded broker over TCP', () => {
  let harness: WireHarness;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let admin: any;
  /** Everything a test started, closed in reverse order after it (also when it fails). */
  let closers: Array<() => Promise<unknown>> = [];

  const logs = new CapturingLogger();
  const clientConfig = () => ({ brokers: [harness.bootstrap], clientId: 'nest-e2e', logLevel: logLevel.NOTHING });

  async function startMicroservice(
    controllers: Type[],
    groupId: string,
    recorder: Recorder,
    extra: Partial<KafkaOptions['options']> = {},
  ): Promise<INestMicroservice> {
    const moduleRef = await Test.createTestingModule({ controllers, providers: [{ provide: RECORDER, useValue: recorder }] }).compile();
    const options: KafkaOptions = {
      transport: Transport.KAFKA,
      options: { client: clientConfig(), consumer: { groupId, ...FAST_GROUP }, subscribe: { fromBeginning: true }, ...extra },
    };
    const app = moduleRef.createNestMicroservice<MicroserviceOptions>({ ...options, logger: logs });
    closers.push(() => app.close());
    await app.listen();
    return app;
  }

  /** A separate Nest application (the "caller") holding a ClientKafka registered with ClientsModule. */
  async function startCaller(groupId: string, extra: Partial<KafkaOptions['options']> = {}): Promise<ClientKafka> {
    const moduleRef: TestingModule = await Test.createTestingModule({
      imports: [
        ClientsModule.register([
          {
            name: 'KAFKA_CALLER',
            transport: Transport.KAFKA,
            options: { client: clientConfig(), consumer: { groupId, ...FAST_GROUP }, ...extra },
          },
        ]),
      ],
    })
      .setLogger(logs)
      .compile();
    await moduleRef.init();
    closers.push(() => moduleRef.close());
    return moduleRef.get<ClientKafka>('KAFKA_CALLER');
  }

  /**
   * A hybrid Nest application (HTTP adapter, never listening here) that connects the Kafka
   * microservice with app.connectMicroservice and also holds a producer-only ClientKafka.
   */
  async function startHybridApp(controllers: Type[], groupId: string, recorder: Recorder): Promise<{ app: INestApplication; client: ClientKafka }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ClientsModule.register([
          { name: 'KAFKA_PUBLISHER', transport: Transport.KAFKA, options: { client: clientConfig(), producerOnlyMode: true } },
        ]),
      ],
      controllers,
      providers: [{ provide: RECORDER, useValue: recorder }],
    })
      .setLogger(logs)
      .compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter());
    closers.push(() => app.close());
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.KAFKA,
      options: { client: clientConfig(), consumer: { groupId, ...FAST_GROUP }, subscribe: { fromBeginning: true } },
    });
    await app.startAllMicroservices();
    await app.init();
    return { app, client: app.get<ClientKafka>('KAFKA_PUBLISHER') };
  }

  async function committedTotal(groupId: string, topic: string): Promise<number> {
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets[0].partitions.reduce((sum: number, p: { offset: string }) => sum + Math.max(0, Number(p.offset)), 0);
  }

  /** The partitions of `topic` assigned to each member of `groupId`, decoded from DescribeGroups. */
  async function assignments(groupId: string, topic: string): Promise<{ state: string; partitions: number[][] }> {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return {
      state: group.state,
      partitions: group.members.map((m: GroupMemberLike) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return decoded ? [...(decoded.assignment[topic] ?? [])].sort() : [];
      }),
    };
  }

  beforeAll(async () => {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    harness = await startWireHarness({ numPartitions: 1 });
    admin = new Kafka(clientConfig()).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: TOPICS.orderPlaced, numPartitions: 3 },
        { topic: TOPICS.sum, numPartitions: 3 },
        { topic: `${TOPICS.sum}.reply`, numPartitions: 3 },
        { topic: TOPICS.fanOut, numPartitions: 4 },
        { topic: TOPICS.flaky, numPartitions: 1 },
        { topic: TOPICS.manual, numPartitions: 1 },
        { topic: TOPICS.rpcFailures, numPartitions: 1 },
        { topic: `${TOPICS.rpcFailures}.reply`, numPartitions: 1 },
        { topic: TOPICS.rpcRetriable, numPartitions: 1 },
        { topic: `${TOPICS.rpcRetriable}.reply`, numPartitions: 1 },
      ],
    });
  });

  beforeEach(() => {
    logs.errors.length = 0;
  });

  afterEach(async () => {
    const pending = closers.reverse();
    closers = [];
    for (const close of pending) await close();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await harness?.stop();
  });

  it('@EventPattern (hybrid app, connectMicroservice) receives ClientKafka.emit events with payload, key and headers intact, in order per key', async () => {
    const recorder = new Recorder();
    const { client } = await startHybridApp([OrderEventsController], 'nest-orders', recorder);
    await client.connect();

    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `customer-${i % 5}`,
      value: { id: `order-${i}`, amount: i + 0.5 },
      headers: { 'x-trace-id': `trace-${i}`, 'x-source': 'e2e' },
    }));
    const metadata = new Map<string, RecordMetadataLike>();
    for (const event of sent) {
      // Nest's KafkaRequestSerializer encodes value and key in place, so emit a copy.
      const copy = { key: event.key, value: { ...event.value }, headers: { ...event.headers } };
      const [meta] = (await lastValueFrom(client.emit(TOPICS.orderPlaced, copy))) as RecordMetadataLike[];
      metadata.set(event.value.id, meta);
    }

    await waitUntil(() => recorder.deliveries.length >= sent.length, `${sent.length} events`);
    expect(recorder.deliveries).toHaveLength(sent.length);
    const byId = new Map<string, Delivery>(recorder.deliveries.map((d) => [(d.data as { id: string }).id, d]));
    for (const event of sent) {
      const delivery = byId.get(event.value.id)!;
      const meta = metadata.get(event.value.id)!;
      expect(delivery).toMatchObject({ topic: TOPICS.orderPlaced, key: event.key, data: event.value });
      expect(delivery.headers).toMatchObject(event.headers);
      // The produce response's partition and base offset are where the consumer found it.
      expect(meta).toMatchObject({ topicName: TOPICS.orderPlaced, errorCode: 0 });
      expect(delivery.partition).toBe(meta.partition);
      expect(delivery.offset).toBe(meta.baseOffset);
    }
    for (let k = 0; k < 5; k++) {
      const forKey = recorder.deliveries.filter((d) => d.key === `customer-${k}`);
      expect(new Set(forKey.map((d) => d.partition)).size).toBe(1);
      expect(forKey.map((d) => (d.data as { id: string }).id)).toEqual(sent.filter((e) => e.key === `customer-${k}`).map((e) => e.value.id));
    }
    // Five keys over three partitions: the default partitioner spread them over more than one.
    expect(new Set(recorder.deliveries.map((d) => d.partition)).size).toBeGreaterThan(1);
  });

  it('@MessagePattern answers ClientKafka.send through the reply topic and the reply partition assigner', async () => {
    const recorder = new Recorder();
    await startMicroservice([MathController], 'nest-math', recorder);
    const client = await startCaller('nest-math-caller');
    client.subscribeToResponseOf(TOPICS.sum);
    await client.connect();
    await nextFetch(client, 'the reply topic');

    // ClientKafka's own assigner (AssignerProtocol metadata + cluster.findTopicPartitionMetadata)
    // gave its single member every reply partition; replies are addressed to the lowest one.
    expect(client.getConsumerAssignments()).toEqual({ [`${TOPICS.sum}.reply`]: 0 });
    const group = await assignments('nest-math-caller-client', `${TOPICS.sum}.reply`);
    expect(group).toEqual({ state: 'Stable', partitions: [[0, 1, 2]] });

    const one = await lastValueFrom(client.send(TOPICS.sum, { id: 'r0', values: [1, 2, 3] }).pipe(timeout(REPLY_TIMEOUT_MS)));
    expect(one).toEqual({ id: 'r0', total: 6 });

    // Concurrent requests are matched to their replies by correlation id.
    const requests = Array.from({ length: 25 }, (_, i) => ({ id: `r${i + 1}`, values: [i, i * 2, 7] }));
    const replies = await Promise.all(requests.map((r) => lastValueFrom(client.send(TOPICS.sum, r).pipe(timeout(REPLY_TIMEOUT_MS)))));
    expect(replies).toEqual(requests.map((r) => ({ id: r.id, total: r.values.reduce((a, b) => a + b, 0) })));

    // Each request reached the handler once, carrying the reply address ClientKafka put on it.
    expect(recorder.ids().sort()).toEqual(['r0', ...requests.map((r) => r.id)].sort());
    for (const d of recorder.deliveries) {
      expect(d.headers).toMatchObject({ kafka_replyTopic: `${TOPICS.sum}.reply`, kafka_replyPartition: '0' });
      expect(typeof d.headers.kafka_correlationId).toBe('string');
    }
  });

  it('topics that do not exist yet are auto-created on first use by the server, the caller and its reply consumer', async () => {
    const recorder = new Recorder();
    await startMicroservice([EchoController], 'nest-echo', recorder);
    const client = await startCaller('nest-echo-caller');
    client.subscribeToResponseOf(TOPICS.echo);
    await client.connect();
    await nextFetch(client, 'the auto-created reply topic');

    await expect(lastValueFrom(client.send(TOPICS.echo, { id: 'hello' }).pipe(timeout(REPLY_TIMEOUT_MS)))).resolves.toEqual({ echoed: 'hello' });
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([TOPICS.echo, `${TOPICS.echo}.reply`]));
    expect(client.getConsumerAssignments()).toEqual({ [`${TOPICS.echo}.reply`]: 0 });
  });

  it('two ClientKafka replicas in one group each own a reply partition and get only their own replies', async () => {
    const recorder = new Recorder();
    await startMicroservice([MathController], 'nest-math-replicas', recorder);
    const callers = [await startCaller('nest-math-replicas-caller'), await startCaller('nest-math-replicas-caller')];
    for (const caller of callers) {
      caller.subscribeToResponseOf(TOPICS.sum);
      await caller.connect();
    }
    // After the second join the group rebalances; Nest's assigner keeps the first member's
    // partition (sent as userData in its AssignerProtocol metadata) and gives the other a new one.
    await waitUntil(async () => {
      const { state, partitions } = await assignments('nest-math-replicas-caller-client', `${TOPICS.sum}.reply`);
      const mins = callers.map((c) => c.getConsumerAssignments()[`${TOPICS.sum}.reply`]);
      return state === 'Stable' && partitions.length === 2 && mins[0] !== undefined && mins[1] !== undefined && mins[0] !== mins[1];
    }, 'two reply consumers with distinct reply partitions');
    const { partitions } = await assignments('nest-math-replicas-caller-client', `${TOPICS.sum}.reply`);
    expect(partitions.flat().sort()).toEqual([0, 1, 2]);
    await Promise.all(callers.map((c, i) => nextFetch(c, `replica ${i}'s reply partitions`)));

    const replies = await Promise.all(
      callers.flatMap((caller, c) =>
        Array.from({ length: 10 }, (_, i) =>
          lastValueFrom(caller.send(TOPICS.sum, { id: `c${c}-${i}`, values: [c, i] }).pipe(timeout(REPLY_TIMEOUT_MS))),
        ),
      ),
    );
    expect(replies).toEqual(callers.flatMap((_, c) => Array.from({ length: 10 }, (__, i) => ({ id: `c${c}-${i}`, total: c + i }))));
    const replyPartitions = new Set(recorder.deliveries.map((d) => d.headers.kafka_replyPartition));
    expect(replyPartitions).toEqual(new Set(callers.map((c) => String(c.getConsumerAssignments()[`${TOPICS.sum}.reply`]))));
  });

  it('two instances in one group split the partitions (each event handled once); another group gets every event', async () => {
    const shared = [new Recorder(), new Recorder()];
    const other = new Recorder();
    const first = await startMicroservice([FanOutController], 'nest-fanout', shared[0]);
    await startMicroservice([FanOutController], 'nest-fanout', shared[1]);
    await startMicroservice([FanOutController], 'nest-fanout-audit', other);

    // ServerKafka appends "-server" to the group id. Wait for the two members' settled split.
    await waitUntil(async () => {
      const { state, partitions } = await assignments('nest-fanout-server', TOPICS.fanOut);
      return state === 'Stable' && partitions.length === 2 && partitions.every((p) => p.length === 2);
    }, 'two members with two partitions each');
    const { partitions } = await assignments('nest-fanout-server', TOPICS.fanOut);
    expect(partitions.flat().sort()).toEqual([0, 1, 2, 3]);

    const client = await startCaller('nest-fanout-caller', { producerOnlyMode: true });
    const ids = Array.from({ length: 40 }, (_, i) => `event-${i}`);
    for (const id of ids) await lastValueFrom(client.emit(TOPICS.fanOut, { key: id, value: { id } }));

    // Done when both groups have committed past every event; only then count deliveries.
    await waitUntil(async () => (await committedTotal('nest-fanout-server', TOPICS.fanOut)) === ids.length, 'shared group commits');
    await waitUntil(async () => (await committedTotal('nest-fanout-audit-server', TOPICS.fanOut)) === ids.length, 'audit group commits');

    const sharedIds = [...shared[0].ids(), ...shared[1].ids()];
    expect(sharedIds.sort()).toEqual([...ids].sort());
    expect(shared[0].deliveries.length).toBeGreaterThan(0);
    expect(shared[1].deliveries.length).toBeGreaterThan(0);
    const partitionsOf = (r: Recorder) => new Set(r.deliveries.map((d) => d.partition));
    const overlap = [...partitionsOf(shared[0])].filter((p) => partitionsOf(shared[1]).has(p));
    expect(overlap).toEqual([]);
    expect(other.ids().sort()).toEqual([...ids].sort());

    // One instance shuts down (LeaveGroup): the other takes over all four partitions from the
    // committed offsets and handles everything emitted afterwards, again exactly once.
    await first.close();
    await waitUntil(async () => {
      const { state, partitions } = await assignments('nest-fanout-server', TOPICS.fanOut);
      return state === 'Stable' && partitions.length === 1 && partitions[0].length === 4;
    }, 'the remaining member to own all four partitions');
    const later = Array.from({ length: 20 }, (_, i) => `later-${i}`);
    for (const id of later) await lastValueFrom(client.emit(TOPICS.fanOut, { key: id, value: { id } }));
    const total = ids.length + later.length;
    await waitUntil(async () => (await committedTotal('nest-fanout-server', TOPICS.fanOut)) === total, 'shared group commits after takeover');
    await waitUntil(async () => (await committedTotal('nest-fanout-audit-server', TOPICS.fanOut)) === total, 'audit group commits after takeover');
    expect(shared[0].ids().filter((id) => id.startsWith('later-'))).toEqual([]);
    expect([...shared[0].ids(), ...shared[1].ids()].sort()).toEqual([...ids, ...later].sort());
    expect(other.ids().sort()).toEqual([...ids, ...later].sort());
  });

  it('run.autoCommit=false with commits from the handler (KafkaContext.getConsumer): a restarted instance resumes after the last commit', async () => {
    const before = new Recorder();
    const first = await startMicroservice([ManualCommitController], 'nest-manual', before, { run: { autoCommit: false } });
    const client = await startCaller('nest-manual-caller', { producerOnlyMode: true });
    const emit = (id: string, commit: boolean) => lastValueFrom(client.emit(TOPICS.manual, { value: { id, commit } }));
    await emit('m1', true);
    await emit('m2', true);
    await emit('m3', false);
    await waitUntil(() => before.deliveries.length === 3, 'three events before the restart');
    expect(await committedTotal('nest-manual-server', TOPICS.manual)).toBe(2);
    await first.close();

    const after = new Recorder();
    await startMicroservice([ManualCommitController], 'nest-manual', after, { run: { autoCommit: false } });
    await emit('m4', true);
    await waitUntil(async () => (await committedTotal('nest-manual-server', TOPICS.manual)) === 4, 'the commit of m4');
    expect(before.ids()).toEqual(['m1', 'm2', 'm3']);
    expect(after.ids()).toEqual(['m3', 'm4']);
  });

  describe('handlers that throw (Nest and kafkajs behaviour, observed through our broker)', () => {
    it('@EventPattern: the failed event is redelivered until the handler succeeds; the partition does not move past it', async () => {
      const recorder = new Recorder();
      recorder.failuresLeft.set('poison', 2);
      await startMicroservice([FlakyEventsController], 'nest-flaky', recorder);
      const client = await startCaller('nest-flaky-caller', { producerOnlyMode: true });
      for (const id of ['before', 'poison', 'after']) await lastValueFrom(client.emit(TOPICS.flaky, { value: { id } }));

      await waitUntil(async () => (await committedTotal('nest-flaky-server', TOPICS.flaky)) === 3, 'the group to commit all three events');
      // ServerKafka lets the handler's error reach kafkajs's eachMessage, which does not resolve
      // that offset and fetches it again: two failures, then success; "after" waits for it.
      expect(recorder.ids()).toEqual(['before', 'poison', 'poison', 'poison', 'after']);
      const poisonOffsets = new Set(recorder.deliveries.filter((d) => (d.data as { id: string }).id === 'poison').map((d) => d.offset));
      expect([...poisonOffsets]).toEqual(['1']);
      // Each failure is logged by Nest's RpcExceptionsHandler (kafkajs's own log is off here).
      expect(logs.errors.filter((e) => e === '[RpcExceptionsHandler] handler failed on poison')).toHaveLength(2);
    });

    it('@MessagePattern: RpcException and plain errors become error replies (no redelivery); KafkaRetriableException is redelivered', async () => {
      const recorder = new Recorder();
      recorder.failuresLeft.set('retry-me', 1);
      await startMicroservice([FailingRpcController], 'nest-rpc-failing', recorder);
      const client = await startCaller('nest-rpc-failing-caller');
      client.subscribeToResponseOf(TOPICS.rpcFailures);
      client.subscribeToResponseOf(TOPICS.rpcRetriable);
      await client.connect();
      await nextFetch(client, 'the reply topics');

      const call = <T>(topic: string, data: unknown) => lastValueFrom(client.send<T>(topic, data).pipe(timeout(REPLY_TIMEOUT_MS)));
      // RpcException: its error object reaches the caller as the observable's error.
      await expect(call(TOPICS.rpcFailures, { id: 'a', mode: 'rpc' })).rejects.toEqual({ code: 'OUT_OF_STOCK', id: 'a' });
      // Any other error: the caller gets Nest's generic error, not the message.
      await expect(call(TOPICS.rpcFailures, { id: 'b', mode: 'plain' })).rejects.toEqual({ status: 'error', message: 'Internal server error' });
      // The server keeps serving, and neither failed request was delivered again.
      await expect(call(TOPICS.rpcFailures, { id: 'c', mode: 'ok' })).resolves.toEqual({ id: 'c', ok: true });
      await waitUntil(async () => (await committedTotal('nest-rpc-failing-server', TOPICS.rpcFailures)) === 3, 'commits of the three requests');
      expect(recorder.ids()).toEqual(['a', 'b', 'c']);
      // Only the unknown error is logged on the server; an RpcException is an expected outcome.
      expect(logs.errors).toEqual(['[RpcExceptionsHandler] internal detail of b']);

      // KafkaRetriableException is rethrown to kafkajs: the request is consumed again and answered then.
      await expect(call(TOPICS.rpcRetriable, { id: 'retry-me' })).resolves.toEqual({ id: 'retry-me', attempts: 2 });
    });
  });
});
