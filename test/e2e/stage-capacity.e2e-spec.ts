/**
 * AUTH_CHECK_RPS and COURSE_CHECK_RPS in the event path: with a backlog of OrderCreated
 * events on the broker from the start, auth publishes AuthChecked and course-validation
 * CourseChecked at their configured rates, from the first event on (no burst at the start).
 * Rates are measured from the events' producer timestamps, with generous bounds.
 */
import { randomUUID } from 'node:crypto';
import { OrderCore, OrderCreatedEvent, Topics } from '@peak/contracts';
import { CapacityPaths } from '@peak/contracts/rpc';
import { EventPublisher } from '@peak/messaging';
import { PipelineHarness } from './support/pipeline.harness';

const AUTH_RPS = 300;
const COURSE_RPS = 200;
const ORDERS = 360;
/** Counted from the first event: at the configured rate these take EARLY / rate seconds; a full-bucket start would publish them at once. */
const EARLY = 100;

/** Events per second between the first and the last timestamp, and the seconds the first `early` took. */
function pace(timestamps: number[], early: number): { perSecond: number; earlySeconds: number } {
  const t = [...timestamps].sort((a, b) => a - b);
  return { perSecond: (t.length - 1) / ((t[t.length - 1] - t[0]) / 1000), earlySeconds: (t[early - 1] - t[0]) / 1000 };
}

describe('stage capacity in the event path (AUTH_CHECK_RPS, COURSE_CHECK_RPS)', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ AUTH_CHECK_RPS: String(AUTH_RPS), COURSE_CHECK_RPS: String(COURSE_RPS) });
    await h.addUsers(Array.from({ length: ORDERS }, (_, i) => `cap-${i}`));
    await h.addCourse('cap-course', ORDERS, 500);
  });

  afterAll(async () => {
    await h?.close();
    delete process.env.AUTH_CHECK_RPS;
    delete process.env.COURSE_CHECK_RPS;
  });

  it('reports the configured capacity at GET /capacity/<service>', async () => {
    const authCap = await h.http().get(CapacityPaths.Auth);
    expect(authCap.body).toMatchObject({ service: 'auth', stages: [{ name: 'auth-check', ratePerSecond: AUTH_RPS, concurrency: 0 }] });
    const courseCap = await h.http().get(CapacityPaths.CourseValidation);
    expect(courseCap.body).toMatchObject({ service: 'course-validation', stages: [{ name: 'course-check', ratePerSecond: COURSE_RPS }] });
    const payCap = await h.http().get(CapacityPaths.Payment);
    expect(payCap.body.stages.map((s: { name: string }) => s.name)).toEqual(['payment-alipay', 'payment-wechat']);
  });

  it(`works off a backlog of ${ORDERS} orders at ~${AUTH_RPS}/s (auth) and ~${COURSE_RPS}/s (course), steadily from the first`, async () => {
    const publisher = new EventPublisher(h.kafka);
    const now = Date.now();
    const events: OrderCreatedEvent[] = Array.from({ length: ORDERS }, (_, i) => {
      const order: OrderCore = {
        orderId: randomUUID(), buyerId: `cap-${i}`, courseId: 'cap-course', paymentMethod: 'alipay', idempotencyKey: `cap-${i}`, createdAtMs: now, expectedPriceCents: 0,
      };
      return { order, tokenExpiresAtMs: now + 3_600_000 };
    });
    await Promise.all(events.map((e) => publisher.publish(Topics.OrderCreated, e.order.orderId, e)));
    await publisher.close();

    const [authChecked, courseChecked] = await Promise.all([
      h.readTopic(Topics.AuthChecked, ORDERS, 30_000),
      h.readTopic(Topics.CourseChecked, ORDERS, 30_000),
    ]);
    const auth = pace(authChecked.map((m) => Number(m.timestamp)), EARLY);
    const course = pace(courseChecked.map((m) => Number(m.timestamp)), EARLY);
    // Never faster than the configured rate (small slack for the 20 ms burst and timestamp granularity) …
    expect(auth.perSecond).toBeLessThanOrEqual(AUTH_RPS * 1.1);
    expect(course.perSecond).toBeLessThanOrEqual(COURSE_RPS * 1.1);
    // … and not much slower on this shared machine.
    expect(auth.perSecond).toBeGreaterThanOrEqual(AUTH_RPS * 0.6);
    expect(course.perSecond).toBeGreaterThanOrEqual(COURSE_RPS * 0.6);
    // From the first event on: the first EARLY took about EARLY / rate (a full bucket at the start would publish them at once).
    expect(auth.earlySeconds).toBeGreaterThanOrEqual(((EARLY - 1) / AUTH_RPS) * 0.6);
    expect(course.earlySeconds).toBeGreaterThanOrEqual(((EARLY - 1) / COURSE_RPS) * 0.6);
  }, 60_000);
});
