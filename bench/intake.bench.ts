/**
 * `npm run bench:intake [-- --json] [--duration 5] [--connections 64] [--runs 3]`
 *
 * Drives POST /orders with autocannon, `--runs` times each (medians reported), against:
 * 1. a bare Nest-Fastify POST route that only answers 202 (the baseline);
 * 2. the same route as order-service runs it, minus the broker: header decorators, body
 *    pipe, token verification, order id (what intake costs before it publishes);
 * 3. the whole pipeline (all services, embedded broker on disk, acks=-1, PostgreSQL from
 *    DATABASE_URL or embedded; unlimited payment capacity); after each run it waits for every
 *    accepted order of that run to finish (the end-to-end processing rate), so every run starts
 *    on an idle pipeline.
 * Every route gets the identical request stream (per-request token and Idempotency-Key), so
 * the load generator, which shares the machine, costs the same per request in each run.
 * Server CPU per request is read from /proc (Linux). With --json the last line is one JSON object.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { cpuSeconds, startChild, stopChild, waitHttp } from './intake/processes';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const DURATION_S = flag('duration', 5);
const CONNECTIONS = flag('connections', 64);
const RUNS = Math.max(1, flag('runs', 3));
const BUYERS = flag('buyers', 100_000);
const PIPELINE_PORT = flag('port', 3400);
const BARE_PORT = PIPELINE_PORT + 1;
const AUTH_ONLY_PORT = PIPELINE_PORT + 2;
const PG_PORT = flag('pg-port', 54410);
const SECRET = 'bench-secret-0123456789';
const COURSE = 'bench-course';
const ROOT = path.resolve(__dirname, '..');
/** Stop waiting for the pipeline when no order has finished for this long. */
const DRAIN_STALL_MS = 60_000;

const log = (msg: string) => (JSON_OUT ? process.stderr.write(`${msg}\n`) : console.log(msg));

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
  /** Server CPU (all its threads) per completed request, µs; null without /proc. */
  cpuUsPerReq: number | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarize(runs: Run[]): Run {
  const cpu = runs.map((r) => r.cpuUsPerReq).filter((v): v is number => v !== null);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    total: runs.reduce((n, r) => n + r.total, 0),
    cpuUsPerReq: cpu.length ? Math.round(median(cpu)) : null,
  };
}

/** The request stream every route gets: one token per buyer (round robin), a fresh Idempotency-Key per request. */
function requestStream(tokens: string[], runId: string): (req: autocannon.Request) => autocannon.Request {
  let n = 0;
  return (req) => {
    const i = n++;
    return { ...req, headers: { ...req.headers, authorization: tokens[i % tokens.length], 'idempotency-key': `${runId}-${i}` } };
  };
}

async function drive(url: string, serverPid: number, setup: (req: autocannon.Request) => autocannon.Request): Promise<Run> {
  const cpuBefore = cpuSeconds(serverPid);
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ courseId: COURSE, paymentMethod: 'alipay' }),
    requests: [{ setupRequest: setup }],
  });
  const cpuAfter = cpuSeconds(serverPid);
  const ok = result.requests.total - result.non2xx;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
    cpuUsPerReq: cpuBefore !== null && cpuAfter !== null && ok > 0 ? ((cpuAfter - cpuBefore) * 1e6) / ok : null,
  };
}

/** Starts a one-route app, drives it RUNS times with the shared request stream, stops it. */
async function measureRoute(name: string, script: string, port: number, stream: (req: autocannon.Request) => autocannon.Request): Promise<Run> {
  log(`${name} on :${port}`);
  const child = await startChild(ROOT, path.join(ROOT, script), { PORT: String(port), JWT_SECRET: SECRET });
  try {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await drive(`http://127.0.0.1:${port}/orders`, child.pid as number, stream));
    return summarize(runs);
  } finally {
    await stopChild(child, log);
  }
}

async function seed(db: Client): Promise<void> {
  await db.query(`INSERT INTO auth.users (user_id, username, password_hash)
                  SELECT 'bench-' || i, 'bench-' || i, 'x' FROM generate_series(1, $1::int) AS i ON CONFLICT DO NOTHING`, [BUYERS]);
  await db.query(`INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
                  VALUES ($1, $1, 100, 10000000, 10000000, now() - interval '1 day', now() + interval '1 day') ON CONFLICT DO NOTHING`, [COURSE]);
}

/**
 * Waits until every order of one run (its Idempotency-Keys start with `runId-`) is CONFIRMED or
 * REJECTED, or progress stalls; returns how many finished and over how long, from the first
 * order's creation to the last one's end.
 */
async function drain(db: Client, runId: string, expected: number): Promise<{ n: number; seconds: number }> {
  let last = { n: -1, at: Date.now() };
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status IN ('CONFIRMED', 'REJECTED'))::int AS done,
              extract(epoch FROM max(coalesce(confirmed_at, rejected_at)) - min(created_at))::float AS seconds
         FROM orders.orders WHERE course_id = $1 AND idempotency_key LIKE $2`,
      [COURSE, `${runId}-%`],
    );
    const done = { n: rows[0].done as number, seconds: (rows[0].seconds as number | null) ?? 0 };
    if (done.n >= expected) return done;
    if (done.n !== last.n) last = { n: done.n, at: Date.now() };
    else if (Date.now() - last.at > DRAIN_STALL_MS) {
      log(`warning: ${done.n} of ${expected} orders finished; none for ${DRAIN_STALL_MS / 1000} s, giving up`);
      return done;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-intake-'));
  fs.chmodSync(dir, 0o755);
  const dbUrl = process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/postgres`;
  const jwt = new JwtService({ secret: SECRET });
  const tokens = Array.from({ length: Math.min(BUYERS, 20_000) }, (_, i) => `Bearer ${jwt.sign({ sub: `bench-${i + 1}`, username: `bench-${i + 1}` })}`);
  let pipeline: ChildProcess | null = null;
  try {
    const bare = await measureRoute('bare Nest-Fastify route', 'bench/intake/bare-app.ts', BARE_PORT, requestStream(tokens, randomUUID().slice(0, 8)));
    const authOnly = await measureRoute('intake without the broker', 'bench/intake/auth-only-app.ts', AUTH_ONLY_PORT, requestStream(tokens, randomUUID().slice(0, 8)));

    log(`pipeline on :${PIPELINE_PORT} (broker ${dir}/broker, ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL ${dir}/pg`})`);
    pipeline = await startChild(ROOT, path.join(ROOT, 'apps/all-in-one/src/main.ts'), {
      PORT: String(PIPELINE_PORT),
      JWT_SECRET: SECRET,
      BROKER_DATA_DIR: path.join(dir, 'broker'),
      EMBEDDED_PG_DIR: path.join(dir, 'pg'),
      EMBEDDED_PG_PORT: String(PG_PORT),
      PAYMENT_ALIPAY_RPS: '0',
      PAYMENT_ALIPAY_CONCURRENCY: '0',
      PAYMENT_ALIPAY_LATENCY_MEDIAN_MS: '0',
      PAYMENT_ALIPAY_FAILURE_RATE: '0',
      ORDER_DEADLINE_MS: '600000',
    }, false);
    await waitHttp(`http://127.0.0.1:${PIPELINE_PORT}/health`);
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    const intakeRuns: Run[] = [];
    const processedRuns: Array<{ n: number; seconds: number }> = [];
    try {
      await seed(db);
      // Warm-up (JIT, pools, topic metadata), then the measured runs. Each run starts on an idle
      // pipeline: the backlog of the previous one is drained first, so no consumer work from an
      // earlier run lands in a later run's intake figures.
      await autocannon({ url: `http://127.0.0.1:${PIPELINE_PORT}/health`, connections: 8, amount: 2_000 });
      for (let i = 0; i < RUNS; i += 1) {
        const runId = randomUUID().slice(0, 8);
        const run = await drive(`http://127.0.0.1:${PIPELINE_PORT}/orders`, pipeline.pid as number, requestStream(tokens, runId));
        intakeRuns.push(run);
        log(`run ${i + 1}: accepted ${run.total - run.non2xx} orders; waiting for the pipeline to finish them`);
        processedRuns.push(await drain(db, runId, run.total - run.non2xx));
      }
    } finally {
      await db.end();
    }
    const intake = summarize(intakeRuns);

    const result = {
      intakeOrdersPerSec: Math.round(intake.rps),
      intakeP50Ms: intake.p50,
      intakeP99Ms: intake.p99,
      intakeErrors: intake.non2xx,
      intakeCpuUsPerOrder: intake.cpuUsPerReq,
      bareRoutePerSec: Math.round(bare.rps),
      bareP50Ms: bare.p50,
      bareP99Ms: bare.p99,
      bareCpuUsPerRequest: bare.cpuUsPerReq,
      noBrokerRoutePerSec: Math.round(authOnly.rps),
      noBrokerP50Ms: authOnly.p50,
      noBrokerP99Ms: authOnly.p99,
      noBrokerCpuUsPerRequest: authOnly.cpuUsPerReq,
      intakeRatio: Number((intake.rps / bare.rps).toFixed(3)),
      noBrokerRatio: Number((authOnly.rps / bare.rps).toFixed(3)),
      processedOrders: processedRuns.reduce((n, p) => n + p.n, 0),
      processedOrdersPerSec: Math.round(median(processedRuns.map((p) => (p.seconds > 0 ? p.n / p.seconds : 0)))),
      connections: CONNECTIONS,
      durationSec: DURATION_S,
      runs: RUNS,
    };
    const cpu = (v: number | null) => (v === null ? 'n/a' : String(v));
    log('');
    log(`medians of ${RUNS} run(s) of ${DURATION_S} s, ${CONNECTIONS} connections`);
    log('| route | req/s | p50 ms | p99 ms | server CPU µs/req | ratio to bare |');
    log('| --- | ---: | ---: | ---: | ---: | ---: |');
    log(`| bare Nest-Fastify POST | ${result.bareRoutePerSec} | ${result.bareP50Ms} | ${result.bareP99Ms} | ${cpu(result.bareCpuUsPerRequest)} | 1 |`);
    log(`| POST /orders without the broker | ${result.noBrokerRoutePerSec} | ${result.noBrokerP50Ms} | ${result.noBrokerP99Ms} | ${cpu(result.noBrokerCpuUsPerRequest)} | ${result.noBrokerRatio} |`);
    log(`| POST /orders (acks=-1, whole pipeline) | ${result.intakeOrdersPerSec} | ${result.intakeP50Ms} | ${result.intakeP99Ms} | ${cpu(result.intakeCpuUsPerOrder)} | ${result.intakeRatio} |`);
    log(`intake ratio ${result.intakeRatio} (floor 0.7); processed end to end: ${result.processedOrders} orders at ${result.processedOrdersPerSec}/s`);
    if (JSON_OUT) console.log(JSON.stringify(result));
  } finally {
    if (pipeline) await stopChild(pipeline, log);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
