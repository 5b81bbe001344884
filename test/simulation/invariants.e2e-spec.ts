import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics } from '@peak/contracts';
import { EXIT_INVARIANT_BROKEN, runFlashSale } from '../../scripts/flash-sale/flash-sale';
import { parseOptions } from '../../scripts/flash-sale/options';
import { SqlBrokerProbe } from '../../scripts/flash-sale/stack/stack-probe';
import type { InvariantReport, RunningStack, StackLauncher } from '../../scripts/flash-sale/stack/stack.types';
import { PipelineHarness } from '../e2e/support/pipeline.harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('invariant checks read PostgreSQL and the broker', () => {
  let h: PipelineHarness;
  let probe: SqlBrokerProbe;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addCourse('inv-course', 1, 500);
    probe = new SqlBrokerProbe(h.pool, h.kafka, 'broker', 'inv-course');
  });

  afterAll(async () => {
    await probe?.close();
    await h?.close();
  });

  const insertOrder = (orderId: string, buyer: string, status: string): Promise<unknown> =>
    h.pool.query(
      `INSERT INTO orders.orders (order_id, buyer_id, idempotency_key, course_id, payment_method, status, created_at, deadline_at)
       VALUES ($1::uuid, $2, $1::text, 'inv-course', 'alipay', $3, now(), now() + interval '1 hour')`,
      [orderId, buyer, status],
    );
  const insertPayment = (orderId: string): Promise<unknown> =>
    h.pool.query(`INSERT INTO payments.payments (order_id, method, amount_cents, status) VALUES ($1, 'alipay', 500, 'SUCCEEDED')`, [orderId]);

  it('a clean database shows nothing', async () => {
    expect(await probe.invariants([])).toMatchObject({ lost: 0, oversold: 0, doubleCharged: 0, ordersOnBroker: 0 });
  });

  it('counts lost orders (receipt or broker record without a final row), oversold seats and double charges', async () => {
    const [a, b, pending, receiptOnly, brokerOnly] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // Two confirmed orders of the same buyer for a one-seat course, each charged: oversold and double charged.
    await insertOrder(a, 'buyer-x', 'CONFIRMED');
    await insertOrder(b, 'buyer-x', 'CONFIRMED');
    await insertPayment(a);
    await insertPayment(b);
    await insertOrder(pending, 'buyer-y', 'VALIDATED');
    // An order only the broker knows (its payload is garbage, so no service turns it into a row).
    const producer = h.kafka.producer();
    await producer.connect();
    await producer.send({ topic: Topics.OrderCreated, acks: -1, messages: [{ key: brokerOnly, value: Buffer.from('not protobuf') }] });
    await producer.disconnect();

    const report: InvariantReport = await probe.invariants([receiptOnly, a]);
    expect(report.lost).toBe(3); // pending + receiptOnly + brokerOnly
    expect(report.missing).toBe(2);
    expect(report.ordersOnBroker).toBe(1);
    expect(report.oversold).toBe(1);
    expect(report.doubleCharged).toBe(1);
    expect(report.examples.join('\n')).toContain(receiptOnly);
  });

  it('counts a successful charge on a rejected order as charged without a seat, never a charge given up at the deadline', async () => {
    const before = (await probe.invariants([])).chargedWithoutSeat;
    const [charged, givenUp, paid] = [randomUUID(), randomUUID(), randomUUID()];
    await insertOrder(charged, 'buyer-c1', 'REJECTED');
    await insertPayment(charged);
    await insertOrder(givenUp, 'buyer-c2', 'REJECTED');
    await h.pool.query(`INSERT INTO payments.payments (order_id, method, amount_cents, status, reason) VALUES ($1, 'alipay', 500, 'FAILED', 'TIMEOUT')`, [givenUp]);
    await insertOrder(paid, 'buyer-c3', 'PAID');
    await insertPayment(paid);
    const report = await probe.invariants([]);
    expect(report.chargedWithoutSeat - before).toBe(1);
    expect(report.examples.join('\n')).toContain(`charged without a seat ${charged} (REJECTED)`);
  });
});

describe('the probe reads the run\'s timeline from the rows\' own timestamps', () => {
  let h: PipelineHarness;
  let probe: SqlBrokerProbe;
  /** The burst's start in this test: rows are dated relative to it. */
  const origin = Date.parse('2020-01-01T00:00:00Z');
  const at = (ms: number): string => new Date(origin + ms).toISOString();

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addCourse('timeline-course', 10, 500);
    probe = new SqlBrokerProbe(h.pool, h.kafka, 'broker', 'timeline-course');
  });

  afterAll(async () => {
    await probe?.close();
    await h?.close();
  });

  it('first final after the first accepted order (ms), arrivals and work per stage in buckets, stage progress counts', async () => {
    const before = await probe.stageProgress();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    // Accepted at 10, 20 and 150 ms; validated at 300, 310 ms; one confirmed at 1,260 ms, one rejected at 900 ms; the third still pending.
    const rows: Array<[string, string, string | null, string | null, string | null]> = [
      [ids[0], 'CONFIRMED', at(10), at(300), at(1260)],
      [ids[1], 'REJECTED', at(20), at(310), null],
      [ids[2], 'PENDING', at(150), null, null],
    ];
    for (const [id, status, created, validated, confirmed] of rows) {
      await h.pool.query(
        `INSERT INTO orders.orders (order_id, buyer_id, idempotency_key, course_id, payment_method, status, created_at, validated_at, confirmed_at, rejected_at, deadline_at)
         VALUES ($1::uuid, $1::text, $1::text, 'timeline-course', 'alipay', $2, $3, $4, $5, $6, now() + interval '1 hour')`,
        [id, status, created, validated, confirmed, status === 'REJECTED' ? at(900) : null],
      );
    }
    await h.pool.query(
      `INSERT INTO catalog.course_checks (order_id, ok, reason, detail, price_cents, seat_held, checked_at) VALUES
         ($1, true, '', '', 500, true, $3), ($2, true, '', '', 500, true, $4)`,
      [ids[0], ids[1], at(120), at(250)],
    );
    await h.pool.query(
      `INSERT INTO payments.payments (order_id, method, amount_cents, status, completed_at) VALUES
         ($1, 'alipay', 500, 'SUCCEEDED', $3), ($2, 'alipay', 500, 'FAILED', $4)`,
      [ids[0], ids[1], at(820), at(890)],
    );

    const t = await probe.runTimeline(origin, 100);
    expect(t.bucketSeconds).toBe(0.1);
    expect(t.firstAcceptedAt).toBeCloseTo(0.01, 6);
    expect(t.firstFinalAfterMs).toBe(890); // rejected at 900 ms, first accepted at 10 ms
    expect(t.accepted).toEqual([{ t: 0, n: 2 }, { t: 0.1, n: 1 }]);
    expect(t.courseChecked).toEqual([{ t: 0.1, n: 1 }, { t: 0.2, n: 1 }]);
    expect(t.validated).toEqual([{ t: 0.3, n: 2 }]);
    expect(t.charged).toEqual([{ t: 0.8, n: 2 }]); // any status: a declined charge is work done too
    const after = await probe.stageProgress();
    expect(after.courseChecks - before.courseChecks).toBe(2);
    expect(after.charges - before.charges).toBe(2);
  });
});

/** A stack whose intake answers 202 at once and whose probe reports `invariants` at the end. */
async function stubStack(invariants: InvariantReport): Promise<{ launcher: StackLauncher; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ orderId: randomUUID(), status: 'PENDING' })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const launcher: StackLauncher = {
    start: async (): Promise<RunningStack> => ({
      topology: 'single',
      processes: [],
      processCpuSeconds: async () => ({ all: 0 }),
      baseUrl: `http://127.0.0.1:${port}`,
      courseId: 'c',
      tokens: ['t'],
      probe: {
        orderCounts: async () => ({ total: 20, confirmed: 20, rejected: 0, rejectedByReason: {}, paid: 20 }),
        consumerLag: async () => [],
        invariants: async () => invariants,
      },
      stop: async () => undefined,
    }),
  };
  return { launcher, close: () => server.close() };
}

describe('exit code', () => {
  it('a run that charged a buyer without a seat fails: ok false, exit code 1, printed with the other invariants', async () => {
    const stack = await stubStack({ lost: 0, missing: 0, oversold: 0, doubleCharged: 0, chargedWithoutSeat: 1, confirmedWithoutReceipt: 0, ordersOnBroker: 20, examples: ['charged without a seat o-1 (REJECTED)'] });
    const dir = mkdtempSync(join(tmpdir(), 'flash-sale-exit-'));
    const lines: string[] = [];
    try {
      const outcome = await runFlashSale(parseOptions(['--orders', '20', '--burst-seconds', '0.2', '--no-dashboard', '--report-dir', dir]), stack.launcher, {
        log: (l) => lines.push(l),
        printJson: () => undefined,
        tty: false,
      });
      expect(outcome.exitCode).toBe(EXIT_INVARIANT_BROKEN);
      expect(outcome.report.ok).toBe(false);
      expect(outcome.report.runs[0].chargedWithoutSeat).toBe(1);
      expect(lines.join('\n')).toMatch(/lost 0, oversold 0, double charged 0, charged without a seat 1 → BROKEN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      stack.close();
    }
  });

  it('a run with a broken invariant ends with exit code 1 and says BROKEN', async () => {
    // Every order final at once; the final check finds one oversold seat.
    const stack = await stubStack({ lost: 0, missing: 0, oversold: 1, doubleCharged: 0, chargedWithoutSeat: 0, confirmedWithoutReceipt: 0, ordersOnBroker: 20, examples: ['seats total 19'] });
    const launcher = stack.launcher;
    const dir = mkdtempSync(join(tmpdir(), 'flash-sale-exit-'));
    const lines: string[] = [];
    try {
      const outcome = await runFlashSale(parseOptions(['--orders', '20', '--burst-seconds', '0.2', '--no-dashboard', '--report-dir', dir]), launcher, {
        log: (l) => lines.push(l),
        printJson: () => undefined,
        tty: false,
      });
      expect(outcome.exitCode).toBe(EXIT_INVARIANT_BROKEN);
      expect(outcome.report.ok).toBe(false);
      expect(lines.join('\n')).toMatch(/oversold 1.*BROKEN/);
      // Before the burst: the chosen numbers; after it: the reading, which follows them (100/s is no peak for payment).
      expect(lines.join('\n')).toMatch(/plan \(single topology\): 20 orders in a 0\.2 s spike = 100\/s offered/);
      expect(outcome.report.runs[0].peakShaving).toBe('no-peak');
      expect(lines.join(' ')).toMatch(/there was no peak to shave/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      stack.close();
    }
  });
});
