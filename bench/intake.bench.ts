/**
 * `npm run bench:intake [-- --json] [--duration 5] [--connections 64] [--runs 3]
 *                       [--routes bare,no-broker,service,service-kafkajs,pipeline] [--cpu-prof <dir>]`
 *
 * Drives POST /orders with autocannon, `--runs` times each (medians reported), against:
 * 1. `bare`: a bare Nest-Fastify POST route that only answers 202 (the baseline);
 * 2. `no-broker`: the same route as order-service runs it, minus the broker: header
 *    decorators, body pipe, token verification, order id (what intake costs before it publishes);
 * 3. `service`: order-service in its own process as an HTTP-only replica (CONSUMER_GROUPS=none,
 *    KAFKA_BROKERS set), publishing with acks=-1 to the broker in another process
 *    (`npm run broker`, log on disk): intake as the real topology runs it, with KAFKA_CLIENT=peak
 *    (our client over TCP); `service-kafkajs` (not run unless listed) is the same with the
 *    kafkajs package (KAFKA_CLIENT=kafkajs, the default of the apps). `intakeCpuRatio` is
 *    its CPU per order over the bare route's CPU per request. `--cpu-prof <dir>` writes a V8
 *    CPU profile of this order-service process into <dir>;
 * 4. `pipeline`: the whole pipeline in one process (all services, embedded broker on disk,
 *    acks=-1, PostgreSQL from DATABASE_URL or embedded; unlimited payment capacity); after each
 *    run it waits for every accepted order of that run to finish (the end-to-end processing
 *    rate), so every run starts on an idle pipeline.
 * Routes 1-3 listen together and are driven round by round (each route's run 1, then each
 * route's run 2, ...), after a 1 s warm-up each, so a change of load on the shared machine hits
 * them alike; the pipeline runs after them. Every route gets the same kind of request stream
 * (a token per buyer round robin, a fresh Idempotency-Key per request), so the load generator,
 * which shares the machine, costs the same per request in each run.
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
import { DriveOptions, drive, median, requestStream, Run, summarize } from './intake/measure';
import { startChild, stopChild, waitHttp } from './intake/processes';
import { startServiceRoute } from './intake/service-route';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name: string, fallback: number): number => Number(option(name) ?? fallback);
const JSON_OUT = args.includes('--json');
const DURATION_S = flag('duration', 5);
const CONNECTIONS = flag('connections', 64);
const RUNS = Math.max(1, flag('runs', 3));
const BUYERS = flag('buyers', 100_000);
const ROUTE_NAMES = ['bare', 'no-broker', 'service', 'service-kafkajs', 'pipeline'] as const;
type RouteName = (typeof ROUTE_NAMES)[number];
const DEFAULT_ROUTES: RouteName[] = ['bare', 'no-broker', 'service', 'pipeline'];
const ROUTES = new Set((option('routes') ?? DEFAULT_ROUTES.join(',')).split(',').map((r) => r.trim()));
for (const r of ROUTES) if (!(ROUTE_NAMES as readonly string[]).includes(r)) throw new Error(`--routes: unknown route ${r} (known: ${ROUTE_NAMES.join(', ')})`);
if (!ROUTES.has('bare')) throw new Error('--routes must include bare: every ratio is to the bare route of the same run');
const wants = (r: RouteName) => ROUTES.has(r);
const CPU_PROF_DIR = option('cpu-prof') ? path.resolve(option('cpu-prof') as string) : undefined;
const PIPELINE_PORT = flag('port', 3400);
const BARE_PORT = PIPELINE_PORT + 1;
const AUTH_ONLY_PORT = PIPELINE_PORT + 2;
const SERVICE_PORT = PIPELINE_PORT + 3;
const SERVICE_BROKER_PORT = flag('broker-port', 19400);
/** The kafkajs variant of the service route: next ports. */
const KAFKAJS_SERVICE_PORT = PIPELINE_PORT + 4;
const KAFKAJS_BROKER_PORT = SERVICE_BROKER_PORT + 1;
const PG_PORT = flag('pg-port', 54410);
const SECRET = 'bench-secret-0123456789';
const COURSE = 'bench-course';
const BODY = JSON.stringify({ courseId: COURSE, paymentMethod: 'alipay' });
const ROOT = path.resolve(__dirname, '..');
/** Stop waiting for the pipeline when no order has finished for this long. */
const DRAIN_STALL_MS = 60_000;
/** Seconds of load before the measured runs of a route (JIT, connections, metadata). */
const WARM_UP_S = 1;

const log = (msg: string) => (JSON_OUT ? process.stderr.write(`${msg}\n`) : console.log(msg));

/** Lifetime of the bench's buyer tokens (auth's default TTL; a run lasts minutes). */
const BENCH_TOKEN_TTL_SECONDS = 3_600;
let tokenList: string[] | null = null;
/** One HS256 token per buyer (at most 20,000), signed with the routes' secret. */
function tokens(): string[] {
  if (!tokenList) {
    const jwt = new JwtService({ secret: SECRET });
    // With exp, as auth's login issues them: intake refuses tokens without one.
    tokenList = Array.from({ length: Math.min(BUYERS, 20_000) }, (_, i) => `Bearer ${jwt.sign({ sub: `bench-${i + 1}`, username: `bench-${i + 1}` }, { expiresIn: BENCH_TOKEN_TTL_SECONDS })}`);
  }
  return tokenList;
}

const driveOptions = (port: number, serverPid: number, also?: Record<string, number>): DriveOptions => ({
  url: `http://127.0.0.1:${port}/orders`,
  connections: CONNECTIONS,
  durationSec: DURATION_S,
  body: BODY,
  serverPid,
  also,
});

/** One HTTP route under test, already listening. */
interface LiveRoute {
  name: string;
  port: number;
  pid: number;
  /** Further processes whose CPU per request is reported. */
  also?: Record<string, number>;
  stop(): Promise<void>;
}

/** Starts a one-route app (bench/intake/*-app.ts). */
async function startApp(name: string, script: string, port: number): Promise<LiveRoute> {
  log(`${name} on :${port}`);
  const child = await startChild(ROOT, path.join(ROOT, script), { PORT: String(port), JWT_SECRET: SECRET });
  return { name, port, pid: child.pid as number, stop: () => stopChild(child, log) };
}

/** order-service alone (HTTP-only replica) with `client`, and its broker process. */
async function startService(dir: string, client: 'peak' | 'kafkajs'): Promise<LiveRoute> {
  const port = client === 'peak' ? SERVICE_PORT : KAFKAJS_SERVICE_PORT;
  const brokerPort = client === 'peak' ? SERVICE_BROKER_PORT : KAFKAJS_BROKER_PORT;
  const sub = path.join(dir, `service-${client}`);
  fs.mkdirSync(sub);
  log(`order-service alone on :${port} (CONSUMER_GROUPS=none, KAFKA_CLIENT=${client}), broker process on :${brokerPort} (${sub}/service-broker)`);
  const route = await startServiceRoute(
    {
      root: ROOT, dir: sub, port, brokerPort, pgPort: PG_PORT + (client === 'peak' ? 1 : 2), databaseUrl: process.env.DATABASE_URL, secret: SECRET, client,
      cpuProfDir: CPU_PROF_DIR && path.join(CPU_PROF_DIR, client),
    },
    log,
  );
  return { name: `order-service (${client})`, port, pid: route.servicePid, also: { broker: route.brokerPid }, stop: () => route.stop() };
}

/**
 * Drives the HTTP routes round by round (route A run 1, route B run 1, ..., route A run 2, ...)
 * after a warm-up of each, so a change of load on the shared machine hits every route alike;
 * each route gets its own request stream. Returns the medians per route.
 */
async function measureInterleaved(routes: LiveRoute[]): Promise<Run[]> {
  for (const r of routes) await drive({ ...driveOptions(r.port, r.pid), durationSec: WARM_UP_S }, requestStream(tokens(), `warm-up-${r.port}`));
  const streams = routes.map(() => requestStream(tokens(), randomUUID().slice(0, 8)));
  const runs: Run[][] = routes.map(() => []);
  for (let i = 0; i < RUNS; i += 1) {
    for (const [j, r] of routes.entries()) {
      const run = await drive(driveOptions(r.port, r.pid, r.also), streams[j]);
      log(`round ${i + 1}, ${r.name}: ${Math.round(run.rps)} req/s, ${run.cpuUsPerReq === null ? 'n/a' : Math.round(run.cpuUsPerReq)} µs CPU per request`);
      runs[j].push(run);
    }
  }
  return runs.map(summarize);
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

/** Runs the pipeline route: all services in one process, draining each run's orders before the next. */
async function measurePipeline(dir: string): Promise<{ intake: Run; processed: Array<{ n: number; seconds: number }> }> {
  const dbUrl = process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/postgres`;
  log(`pipeline on :${PIPELINE_PORT} (broker ${dir}/broker, ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL ${dir}/pg`})`);
  const pipeline: ChildProcess = await startChild(ROOT, path.join(ROOT, 'apps/all-in-one/src/main.ts'), {
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
  try {
    await waitHttp(`http://127.0.0.1:${PIPELINE_PORT}/health`);
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    const intakeRuns: Run[] = [];
    const processed: Array<{ n: number; seconds: number }> = [];
    try {
      await seed(db);
      // Warm-up (JIT, pools, topic metadata), then the measured runs. Each run starts on an idle
      // pipeline: the backlog of the previous one is drained first, so no consumer work from an
      // earlier run lands in a later run's intake figures.
      await autocannon({ url: `http://127.0.0.1:${PIPELINE_PORT}/health`, connections: 8, amount: 2_000 });
      for (let i = 0; i < RUNS; i += 1) {
        const runId = randomUUID().slice(0, 8);
        const run = await drive(driveOptions(PIPELINE_PORT, pipeline.pid as number), requestStream(tokens(), runId));
        intakeRuns.push(run);
        log(`run ${i + 1}: accepted ${run.total - run.non2xx} orders; waiting for the pipeline to finish them`);
        processed.push(await drain(db, runId, run.total - run.non2xx));
      }
    } finally {
      await db.end();
    }
    return { intake: summarize(intakeRuns), processed };
  } finally {
    await stopChild(pipeline, log);
  }
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || !b ? null : Number((a / b).toFixed(3));

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-intake-'));
  fs.chmodSync(dir, 0o755);
  try {
    const live: LiveRoute[] = [];
    let measured: Run[];
    try {
      live.push(await startApp('bare Nest-Fastify route', 'bench/intake/bare-app.ts', BARE_PORT));
      if (wants('no-broker')) live.push(await startApp('intake without the broker', 'bench/intake/auth-only-app.ts', AUTH_ONLY_PORT));
      if (wants('service')) live.push(await startService(dir, 'peak'));
      if (wants('service-kafkajs')) live.push(await startService(dir, 'kafkajs'));
      measured = await measureInterleaved(live);
    } finally {
      for (const r of [...live].reverse()) await r.stop();
    }
    const byName = new Map(live.map((r, i) => [r.name, measured[i]]));
    const bare = measured[0];
    const authOnly = byName.get('intake without the broker') ?? null;
    const service = byName.get('order-service (peak)') ?? null;
    const kafkajsService = byName.get('order-service (kafkajs)') ?? null;
    const pipeline = wants('pipeline') ? await measurePipeline(dir) : null;
    const intake = pipeline?.intake ?? null;

    const result = {
      // The whole pipeline in one process (route 4); `intake*` names kept for existing readers.
      intakeOrdersPerSec: intake && Math.round(intake.rps),
      intakeP50Ms: intake?.p50 ?? null,
      intakeP99Ms: intake?.p99 ?? null,
      intakeErrors: intake?.non2xx ?? null,
      intakeCpuUsPerOrder: intake?.cpuUsPerReq ?? null,
      bareRoutePerSec: Math.round(bare.rps),
      bareP50Ms: bare.p50,
      bareP99Ms: bare.p99,
      bareCpuUsPerRequest: bare.cpuUsPerReq,
      noBrokerRoutePerSec: authOnly && Math.round(authOnly.rps),
      noBrokerP50Ms: authOnly?.p50 ?? null,
      noBrokerP99Ms: authOnly?.p99 ?? null,
      noBrokerCpuUsPerRequest: authOnly?.cpuUsPerReq ?? null,
      // order-service alone, broker in its own process (route 3).
      serviceOrdersPerSec: service && Math.round(service.rps),
      serviceP50Ms: service?.p50 ?? null,
      serviceP99Ms: service?.p99 ?? null,
      serviceErrors: service?.non2xx ?? null,
      serviceCpuUsPerOrder: service?.cpuUsPerReq ?? null,
      serviceBrokerCpuUsPerOrder: service?.alsoCpuUsPerReq.broker ?? null,
      // The same with KAFKA_CLIENT=kafkajs (route service-kafkajs, when listed).
      kafkajsServiceOrdersPerSec: kafkajsService && Math.round(kafkajsService.rps),
      kafkajsServiceCpuUsPerOrder: kafkajsService?.cpuUsPerReq ?? null,
      kafkajsServiceBrokerCpuUsPerOrder: kafkajsService?.alsoCpuUsPerReq.broker ?? null,
      kafkajsIntakeCpuRatio: ratio(kafkajsService?.cpuUsPerReq, bare.cpuUsPerReq),
      /** order-service CPU µs per accepted order ÷ bare route CPU µs per request (target ≤ 2). */
      intakeCpuRatio: ratio(service?.cpuUsPerReq, bare.cpuUsPerReq),
      serviceRatio: ratio(service?.rps, bare.rps),
      intakeRatio: ratio(intake?.rps, bare.rps),
      noBrokerRatio: ratio(authOnly?.rps, bare.rps),
      noBrokerCpuRatio: ratio(authOnly?.cpuUsPerReq, bare.cpuUsPerReq),
      pipelineCpuRatio: ratio(intake?.cpuUsPerReq, bare.cpuUsPerReq),
      processedOrders: pipeline ? pipeline.processed.reduce((n, p) => n + p.n, 0) : null,
      processedOrdersPerSec: pipeline ? Math.round(median(pipeline.processed.map((p) => (p.seconds > 0 ? p.n / p.seconds : 0)))) : null,
      connections: CONNECTIONS,
      durationSec: DURATION_S,
      runs: RUNS,
    };
    const show = (v: number | null) => (v === null ? 'n/a' : String(v));
    const row = (name: string, rps: number | null, p50: number | null, p99: number | null, cpu: number | null, cpuRatio: number | null, rpsRatio: number | null) =>
      log(`| ${name} | ${show(rps)} | ${show(p50)} | ${show(p99)} | ${show(cpu)} | ${show(cpuRatio)} | ${show(rpsRatio)} |`);
    log('');
    log(`medians of ${RUNS} run(s) of ${DURATION_S} s, ${CONNECTIONS} connections`);
    log('| route | req/s | p50 ms | p99 ms | server CPU µs/req | CPU ÷ bare | req/s ÷ bare |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    row('bare Nest-Fastify POST', result.bareRoutePerSec, bare.p50, bare.p99, bare.cpuUsPerReq, 1, 1);
    if (authOnly) row('POST /orders without the broker', result.noBrokerRoutePerSec, authOnly.p50, authOnly.p99, authOnly.cpuUsPerReq, result.noBrokerCpuRatio, result.noBrokerRatio);
    if (service) {
      row('POST /orders, order-service alone (KAFKA_CLIENT=peak, broker process, acks=-1, disk)', result.serviceOrdersPerSec, service.p50, service.p99, service.cpuUsPerReq, result.intakeCpuRatio, result.serviceRatio);
    }
    if (kafkajsService) {
      row('POST /orders, order-service alone (KAFKA_CLIENT=kafkajs, broker process, acks=-1, disk)', result.kafkajsServiceOrdersPerSec, kafkajsService.p50, kafkajsService.p99, kafkajsService.cpuUsPerReq, result.kafkajsIntakeCpuRatio, ratio(kafkajsService.rps, bare.rps));
    }
    if (intake) row('POST /orders (acks=-1, whole pipeline in one process)', result.intakeOrdersPerSec, intake.p50, intake.p99, intake.cpuUsPerReq, result.pipelineCpuRatio, result.intakeRatio);
    if (service) {
      log(`intakeCpuRatio ${show(result.intakeCpuRatio)} (target ≤ 2): order-service ${show(result.serviceCpuUsPerOrder)} µs per order, bare route ${show(bare.cpuUsPerReq)} µs per request; ` +
        `the broker process spent ${show(result.serviceBrokerCpuUsPerOrder)} µs per order; ${result.serviceErrors} non-2xx/errors`);
    }
    if (pipeline) log(`whole pipeline: processed end to end ${result.processedOrders} orders at ${result.processedOrdersPerSec}/s`);
    if (JSON_OUT) console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
