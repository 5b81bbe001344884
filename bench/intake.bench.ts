/**
 * `npm run bench:intake [-- --json] [-- --duration 5] [-- --connections 64]`
 *
 * Drives POST /orders of the whole pipeline (child process: all services, embedded broker on
 * disk with acks=-1, PostgreSQL from DATABASE_URL or embedded; unlimited payment capacity)
 * and a bare Nest-Fastify POST route (another child process), one after the other, with
 * autocannon from this process. Then waits for every accepted order to finish and reports
 * the end-to-end processing rate. With --json the last line is one JSON object.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const DURATION_S = flag('duration', 5);
const CONNECTIONS = flag('connections', 64);
const BUYERS = flag('buyers', 100_000);
const PIPELINE_PORT = flag('port', 3400);
const BARE_PORT = PIPELINE_PORT + 1;
const PG_PORT = flag('pg-port', 54410);
const SECRET = 'bench-secret-0123456789';
const COURSE = 'bench-course';
const ROOT = path.resolve(__dirname, '..');

const log = (msg: string) => (JSON_OUT ? process.stderr.write(`${msg}\n`) : console.log(msg));

function start(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(path.join(ROOT, script), [], {
    cwd: ROOT,
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', () => resolve(child));
  });
}

async function waitHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Graceful stop; a child still running after STOP_GRACE_MS is killed and reported, so the bench always ends. */
const STOP_GRACE_MS = 15_000;

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    const kill = setTimeout(() => {
      console.error(`warning: pid ${child.pid} did not exit ${STOP_GRACE_MS} ms after SIGTERM; sending SIGKILL`);
      child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
}

async function drive(url: string, setup?: (req: autocannon.Request) => autocannon.Request): Promise<Run> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ courseId: COURSE, paymentMethod: 'alipay' }),
    requests: setup ? [{ setupRequest: setup }] : undefined,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-intake-'));
  fs.chmodSync(dir, 0o755);
  const dbUrl = process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/postgres`;
  const children: ChildProcess[] = [];
  try {
    log(`bare Nest-Fastify route on :${BARE_PORT}`);
    const bare = await start('bench/intake/bare-app.ts', { PORT: String(BARE_PORT) });
    children.push(bare);
    const bareRun = await drive(`http://127.0.0.1:${BARE_PORT}/orders`);
    await stop(bare);

    log(`pipeline on :${PIPELINE_PORT} (broker ${dir}/broker, ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL ${dir}/pg`})`);
    const pipeline = fork(path.join(ROOT, 'apps/all-in-one/src/main.ts'), [], {
      cwd: ROOT,
      execArgv: ['-r', '@swc-node/register'],
      env: {
        ...process.env,
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
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(pipeline);
    await waitHttp(`http://127.0.0.1:${PIPELINE_PORT}/health`);

    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    await db.query(`INSERT INTO auth.users (user_id, username, password_hash)
                    SELECT 'bench-' || i, 'bench-' || i, 'x' FROM generate_series(1, $1::int) AS i ON CONFLICT DO NOTHING`, [BUYERS]);
    await db.query(`INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
                    VALUES ($1, $1, 100, 10000000, 10000000, now() - interval '1 day', now() + interval '1 day') ON CONFLICT DO NOTHING`, [COURSE]);
    const jwt = new JwtService({ secret: SECRET });
    const tokens = Array.from({ length: Math.min(BUYERS, 20_000) }, (_, i) => `Bearer ${jwt.sign({ sub: `bench-${i + 1}`, username: `bench-${i + 1}` })}`);
    const runId = randomUUID().slice(0, 8);
    let n = 0;

    // Warm-up (JIT, pools, topic metadata), then the measured run.
    await autocannon({ url: `http://127.0.0.1:${PIPELINE_PORT}/health`, connections: 8, amount: 2_000 });
    const intakeRun = await drive(`http://127.0.0.1:${PIPELINE_PORT}/orders`, (req) => {
      const i = n++;
      return { ...req, headers: { ...req.headers, authorization: tokens[i % tokens.length], 'idempotency-key': `${runId}-${i}` } };
    });

    log(`accepted ${intakeRun.total - intakeRun.non2xx} orders; waiting for the pipeline to finish them`);
    const accepted = intakeRun.total - intakeRun.non2xx;
    const deadline = Date.now() + 300_000;
    let processed = { n: 0, seconds: 0 };
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*) FILTER (WHERE status IN ('CONFIRMED', 'REJECTED'))::int AS done,
                count(*)::int AS total,
                extract(epoch FROM max(coalesce(confirmed_at, rejected_at)) - min(created_at))::float AS seconds
           FROM orders.orders WHERE course_id = $1`,
        [COURSE],
      );
      processed = { n: rows[0].done, seconds: rows[0].seconds ?? 0 };
      if (rows[0].done >= accepted || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await db.end();

    const result = {
      intakeOrdersPerSec: Math.round(intakeRun.rps),
      intakeP50Ms: intakeRun.p50,
      intakeP99Ms: intakeRun.p99,
      intakeErrors: intakeRun.non2xx,
      bareRoutePerSec: Math.round(bareRun.rps),
      bareP50Ms: bareRun.p50,
      bareP99Ms: bareRun.p99,
      intakeRatio: Number((intakeRun.rps / bareRun.rps).toFixed(3)),
      processedOrders: processed.n,
      processedOrdersPerSec: processed.seconds > 0 ? Math.round(processed.n / processed.seconds) : 0,
      connections: CONNECTIONS,
      durationSec: DURATION_S,
    };
    log('');
    log('| route | req/s | p50 ms | p99 ms |');
    log('| --- | ---: | ---: | ---: |');
    log(`| bare Nest-Fastify POST | ${result.bareRoutePerSec} | ${result.bareP50Ms} | ${result.bareP99Ms} |`);
    log(`| POST /orders (acks=-1) | ${result.intakeOrdersPerSec} | ${result.intakeP50Ms} | ${result.intakeP99Ms} |`);
    log(`intake ratio ${result.intakeRatio} (floor 0.7); processed end to end: ${result.processedOrders} orders at ${result.processedOrdersPerSec}/s`);
    if (JSON_OUT) console.log(JSON.stringify(result));
  } finally {
    for (const c of children) await stop(c);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
