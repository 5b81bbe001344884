import { PipelineHarness } from './support/pipeline.harness';

describe('order pipeline: single orders', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addUsers(['buyer-1', 'buyer-2', 'buyer-3']);
    await h.addUsers(['banned-1'], true);
    await h.addCourse('e2e-course', 10, 4200);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('confirms a valid order: 202 PENDING at once, then VALIDATED → PAID → CONFIRMED with a seat sold', async () => {
    const res = await h.order(h.token('buyer-1'), { courseId: 'e2e-course', paymentMethod: 'alipay' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ orderId: expect.any(String), status: 'PENDING' });

    const final = await h.finalOrder(res.body.orderId);
    expect(final).toMatchObject({ status: 'CONFIRMED', reason: null });
    expect(await h.seatsLeft('e2e-course')).toBe(9);

    const view = await h.http().get(`/orders/${res.body.orderId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'CONFIRMED', courseId: 'e2e-course', amountCents: 4200 });
    for (const step of ['createdAt', 'validatedAt', 'paidAt', 'confirmedAt']) expect(view.body.timestamps[step]).toEqual(expect.any(String));

    const metrics = await h.http().get('/metrics');
    expect(metrics.text).toMatch(/orders_intake_total\{result="accepted"\} [1-9]/);
    expect(metrics.text).toMatch(/events_delivered\{group="payment",topic="payments.requested",result="processed"\} [1-9]/);
    expect((await h.http().get('/health')).body).toMatchObject({ status: 'ok' });
    expect((await h.http().get('/courses/e2e-course')).body).toMatchObject({ seatsTotal: 10, seatsLeft: 9, priceCents: 4200, onSale: true });
  });

  // Tokens that are forged, expired or garbage never get a receipt: 401 at intake (intake-tokens.e2e-spec.ts).
  it.each([
    ['a token of a banned user', () => h.token('banned-1')],
    ['a token of an unknown user', () => h.token('nobody')],
  ])('rejects AUTH_FAILED for %s and gives the held seat back', async (_label, token) => {
    const before = await h.seatsLeft('e2e-course');
    const res = await h.order(token(), { courseId: 'e2e-course', paymentMethod: 'wechat' });
    expect(res.status).toBe(202);
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'AUTH_FAILED' });
    // The seat course-validation held in parallel is released again.
    const deadline = Date.now() + 10_000;
    while ((await h.seatsLeft('e2e-course')) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await h.seatsLeft('e2e-course')).toBe(before);
  });

  it('rejects COURSE_INVALID for an unknown course and for one not on sale', async () => {
    const unknown = await h.order(h.token('buyer-2'), { courseId: 'no-such-course', paymentMethod: 'alipay' });
    const soon = await h.order(h.token('buyer-2'), { courseId: 'coming-soon', paymentMethod: 'alipay' });
    expect(await h.finalOrder(unknown.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'COURSE_INVALID' });
    expect(await h.finalOrder(soon.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'COURSE_INVALID' });
  });

  it('rejects ALREADY_BOUGHT when the same buyer orders the same course again', async () => {
    const first = await h.order(h.token('buyer-3'), { courseId: 'e2e-course', paymentMethod: 'alipay' });
    expect(await h.finalOrder(first.body.orderId)).toMatchObject({ status: 'CONFIRMED' });
    const second = await h.order(h.token('buyer-3'), { courseId: 'e2e-course', paymentMethod: 'alipay' });
    expect(second.body.orderId).not.toBe(first.body.orderId);
    expect(await h.finalOrder(second.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'ALREADY_BOUGHT' });
  });
});
