import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { decodeEvent, OrderCore, OrderCreatedEvent, Topics } from '@peak/contracts';
import { EventPublisher } from '@peak/messaging';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

const HOUR_MS = 3_600_000;

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

describe('intake decides the token at order time; events carry the verified buyer, never the token', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addUsers(['tok-1', 'tok-2', 'tok-late']);
    await h.addCourse('tok-course', 20, 500);
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('a token intake refuses → 401 JSON naming the problem, no receipt, nothing published', () => {
    let before: number;
    beforeAll(async () => {
      before = await producedCount(h, Topics.OrderCreated);
    });

    it.each([
      ['no Authorization header', null, 'missing'],
      ['garbage', () => 'not-a-jwt', 'malformed'],
      ['a token signed with another secret', () => new JwtService({ secret: 'some-other-secret-xyz' }).sign({ sub: 'tok-1' }, { expiresIn: 60 }), 'signature'],
      ['an expired token', () => h.token('tok-1', 'tok-1', -10), 'expired'],
      ['a token without exp', () => h.jwt.sign({ sub: 'tok-1', username: 'tok-1' }), 'no-expiry'],
      ['a token whose sub is 8,000 characters', () => h.token('x'.repeat(8_000), 'long'), 'subject'],
      ['a token whose sub is empty', () => h.token(''), 'subject'],
    ])('%s', async (_label, token, problem) => {
      const req = h.http().post('/orders').set('Idempotency-Key', randomUUID());
      if (token) req.set('Authorization', `Bearer ${token()}`);
      const res = await req.send({ courseId: 'tok-course', paymentMethod: 'alipay' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', problem, message: expect.any(String) });
      expect(res.body.orderId).toBeUndefined();
    });

    it('published no OrderCreated for any of them', async () => {
      expect(await producedCount(h, Topics.OrderCreated)).toBe(before);
    });
  });

  it('a valid order\'s event carries the buyer id and the token\'s expiry, and not a byte of the token', async () => {
    const token = h.token('tok-1', 'tok-1', 600);
    const exp = (h.jwt.decode(token) as { exp: number }).exp;
    const before = await producedCount(h, Topics.OrderCreated);
    const res = await h.order(token, { courseId: 'tok-course', paymentMethod: 'alipay' });
    expect(res.status).toBe(202);
    // Every message of the topic (waiting for fewer may return before our partition is read).
    const messages = await h.readTopic(Topics.OrderCreated, before + 1);
    const mine = messages.map((m) => ({ raw: m.value as Buffer, event: decodeEvent(Topics.OrderCreated, m.value, m.headers) })).find((m) => m.event.order.orderId === res.body.orderId);
    expect(mine).toBeDefined();
    expect(mine!.event).toEqual({ order: expect.objectContaining({ orderId: res.body.orderId, buyerId: 'tok-1' }), tokenExpiresAtMs: exp * 1000 });
    expect(mine!.event.order.createdAtMs).toBeLessThan(exp * 1000);
    expect(mine!.raw.includes(Buffer.from(token.split('.')[2]))).toBe(false);
    expect(mine!.raw.includes(Buffer.from(token.split('.')[1]))).toBe(false);
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('an order placed 1 s before its token expired and checked by auth hours later is not AUTH_FAILED', async () => {
    // A backlog older than the token's lifetime: the order was placed two hours ago with a token
    // that expired one second after it; auth reads it only now.
    const createdAtMs = Date.now() - 2 * HOUR_MS;
    const order: OrderCore = {
      orderId: randomUUID(), buyerId: 'tok-late', courseId: 'tok-course', paymentMethod: 'alipay', idempotencyKey: 'late-1', createdAtMs, expectedPriceCents: 0,
    };
    const event: OrderCreatedEvent = { order, tokenExpiresAtMs: createdAtMs + 1_000 };
    const checkedBefore = await producedCount(h, Topics.AuthChecked);
    const publisher = new EventPublisher(h.kafka);
    await publisher.connect();
    try {
      await publisher.publish(Topics.OrderCreated, order.orderId, event);
    } finally {
      await publisher.close();
    }
    const verdict = await waitFor(
      async () => {
        const produced = await producedCount(h, Topics.AuthChecked);
        if (produced <= checkedBefore) return undefined;
        // Every message of the topic (waiting for fewer may return before our partition is read).
        const checked = await h.readTopic(Topics.AuthChecked, produced);
        return checked.map((m) => decodeEvent(Topics.AuthChecked, m.value, m.headers)).find((e) => e.order.orderId === order.orderId);
      },
      `auth's check of order ${order.orderId}`,
      10_000,
    );
    expect(verdict).toMatchObject({ ok: true, reason: '', userId: 'tok-late' });
    const row = await waitFor(() => h.orderRow(order.orderId), `order ${order.orderId} to be stored`, 10_000);
    expect(row.reason).not.toBe('AUTH_FAILED');
  });
});
