import { ConsumerGroups, DlqHeaders, dlqTopic, encodeEvent, eventHeaders, Topics } from '@peak/contracts';
import { PipelineHarness } from './support/pipeline.harness';

async function producedCount(h: PipelineHarness, topic: string): Promise<number> {
  const admin = h.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const header = (m: { headers?: Record<string, unknown> }, name: string) => String(m.headers?.[name] ?? '');

describe('order pipeline: failures', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    // WeChat Pay declines everything in this file; Alipay accepts everything.
    h = await PipelineHarness.start({ PAYMENT_WECHAT_FAILURE_RATE: '1' });
    await h.addUsers(['payer-1', 'payer-2', 'payer-3', 'payer-4']);
    await h.addCourse('two-seats', 2, 1500);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('rejects PAYMENT_FAILED when the gateway declines, and the seat goes back on sale', async () => {
    const res = await h.order(h.token('payer-1'), { courseId: 'two-seats', paymentMethod: 'wechat' });
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'PAYMENT_FAILED' });
    const deadline = Date.now() + 10_000;
    while ((await h.seatsLeft('two-seats')) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await h.seatsLeft('two-seats')).toBe(2);
    const { rows } = await h.pool.query(`SELECT status FROM catalog.seat_reservations WHERE order_id = $1`, [res.body.orderId]);
    expect(rows).toEqual([{ status: 'RELEASED' }]);
    // The buyer may try again after a failed payment: the released seat does not count as bought.
    const retry = await h.order(h.token('payer-1'), { courseId: 'two-seats', paymentMethod: 'alipay' });
    expect(await h.finalOrder(retry.body.orderId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('moves a poison message to <topic>.DLQ with the error in headers, and later orders still complete', async () => {
    const dlqBefore = await producedCount(h, dlqTopic(Topics.OrderCreated));
    const producer = h.kafka.producer();
    await producer.connect();
    // Undecodable bytes (permanent: straight to the DLQ) and a valid event of an unknown
    // order on payments.completed (fails every attempt: DLQ after the retries).
    await producer.send({
      topic: Topics.OrderCreated,
      acks: -1,
      messages: [{ key: 'poison', value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]), headers: eventHeaders(Topics.OrderCreated) }],
    });
    await producer.send({
      topic: Topics.PaymentCompleted,
      acks: -1,
      messages: [{
        key: 'ghost',
        value: encodeEvent(Topics.PaymentCompleted, { orderId: '00000000-0000-8000-8000-000000000000', ok: true, reason: '', detail: '', transactionId: 't' }),
        headers: eventHeaders(Topics.PaymentCompleted),
      }],
    });
    await producer.disconnect();

    const next = await h.order(h.token('payer-2'), { courseId: 'two-seats', paymentMethod: 'alipay' });
    expect(await h.finalOrder(next.body.orderId)).toMatchObject({ status: 'CONFIRMED' });

    // Each of the three groups reading orders.created dead-letters its own copy.
    const dead = await h.readTopic(dlqTopic(Topics.OrderCreated), dlqBefore + 3);
    const poison = dead.filter((m) => m.key?.toString() === 'poison');
    expect(poison.map((m) => header(m, DlqHeaders.ConsumerGroup)).sort()).toEqual(
      [ConsumerGroups.Auth, ConsumerGroups.CourseValidation, ConsumerGroups.OrderService].sort(),
    );
    for (const m of poison) {
      expect(header(m, DlqHeaders.ErrorName)).toBe('EventDecodeError');
      expect(header(m, DlqHeaders.OriginalTopic)).toBe(Topics.OrderCreated);
      expect(header(m, DlqHeaders.Attempts)).toBe('1');
    }
    const ghosts = await h.readTopic(dlqTopic(Topics.PaymentCompleted), 1);
    expect(header(ghosts[0], DlqHeaders.ErrorName)).toBe('UnknownOrderError');
    expect(header(ghosts[0], DlqHeaders.Attempts)).toBe(process.env.RETRY_MAX_ATTEMPTS);
  });

  describe('bad HTTP input → 4xx JSON and nothing produced', () => {
    let before: number;
    beforeAll(async () => {
      before = await producedCount(h, Topics.OrderCreated);
    });

    const post = () => h.http().post('/orders').set('Idempotency-Key', 'k-bad').set('Authorization', `Bearer ${h.token('payer-3')}`);

    it.each([
      ['missing courseId', { paymentMethod: 'alipay' }, 'courseId'],
      ['courseId of the wrong type', { courseId: 42, paymentMethod: 'alipay' }, 'courseId'],
      ['unknown payment method', { courseId: 'two-seats', paymentMethod: 'paypal' }, 'paymentMethod'],
      ['missing paymentMethod', { courseId: 'two-seats' }, 'paymentMethod'],
      ['an unexpected field', { courseId: 'two-seats', paymentMethod: 'alipay', admin: true }, 'admin'],
    ])('400 naming the field for %s', async (_label, body, field) => {
      const res = await post().send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.fields).toHaveProperty(field);
      expect(res.body.message).toContain(field);
    });

    it('400 JSON for malformed JSON', async () => {
      const res = await post().set('Content-Type', 'application/json').send('{"courseId": "two-seats", ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.statusCode).toBe(400);
    });

    it('413 JSON for a 1 MB body', async () => {
      const res = await post().set('Content-Type', 'application/json').send(JSON.stringify({ courseId: 'x'.repeat(1024 * 1024), paymentMethod: 'alipay' }));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });

    it('401 JSON without a Bearer token', async () => {
      const res = await h.http().post('/orders').set('Idempotency-Key', 'k').send({ courseId: 'two-seats', paymentMethod: 'alipay' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });

    it('400 JSON naming the header without an Idempotency-Key', async () => {
      const res = await h.http().post('/orders').set('Authorization', `Bearer ${h.token('payer-3')}`).send({ courseId: 'two-seats', paymentMethod: 'alipay' });
      expect(res.status).toBe(400);
      expect(res.body.fields).toHaveProperty('Idempotency-Key');
    });

    it('produced no event for any of the rejected requests above', async () => {
      expect(await producedCount(h, Topics.OrderCreated)).toBe(before);
    });

    it('400 for a malformed order id and 404 for an unknown one', async () => {
      expect((await h.http().get('/orders/not-a-uuid')).status).toBe(400);
      expect((await h.http().get('/orders/00000000-0000-8000-8000-000000000001')).status).toBe(404);
    });
  });
});
