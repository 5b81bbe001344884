import autocannon from 'autocannon';
import { cpuSeconds } from './processes';

/** One autocannon run against one route. */
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
  /** Server CPU (all its threads) per completed request, µs; null without /proc. */
  cpuUsPerReq: number | null;
  /** CPU of the other processes named by `also` (e.g. the broker) per completed request, µs. */
  alsoCpuUsPerReq: Record<string, number | null>;
}

export interface DriveOptions {
  url: string;
  connections: number;
  durationSec: number;
  body: string;
  /** The process answering the requests. */
  serverPid: number;
  /** Further processes whose CPU per request is reported (name → pid). */
  also?: Record<string, number>;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const medianOrNull = (xs: Array<number | null>): number | null => {
  const known = xs.filter((v): v is number => v !== null);
  return known.length ? Math.round(median(known)) : null;
};

/** Medians of runs (errors and totals summed). */
export function summarize(runs: Run[]): Run {
  const names = Object.keys(runs[0]?.alsoCpuUsPerReq ?? {});
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    total: runs.reduce((n, r) => n + r.total, 0),
    cpuUsPerReq: medianOrNull(runs.map((r) => r.cpuUsPerReq)),
    alsoCpuUsPerReq: Object.fromEntries(names.map((n) => [n, medianOrNull(runs.map((r) => r.alsoCpuUsPerReq[n] ?? null))])),
  };
}

/** The request stream every route gets: one token per buyer (round robin), a fresh Idempotency-Key per request. */
export function requestStream(tokens: string[], runId: string): (req: autocannon.Request) => autocannon.Request {
  let n = 0;
  return (req) => {
    const i = n++;
    return { ...req, headers: { ...req.headers, authorization: tokens[i % tokens.length], 'idempotency-key': `${runId}-${i}` } };
  };
}

const perRequest = (before: number | null, after: number | null, ok: number): number | null =>
  before !== null && after !== null && ok > 0 ? ((after - before) * 1e6) / ok : null;

/** One autocannon run of POSTs; CPU per answered request of the server (and `also`) from /proc. */
export async function drive(options: DriveOptions, setup: (req: autocannon.Request) => autocannon.Request): Promise<Run> {
  const also = Object.entries(options.also ?? {});
  const cpuBefore = cpuSeconds(options.serverPid);
  const alsoBefore = also.map(([, pid]) => cpuSeconds(pid));
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationSec,
    headers: { 'content-type': 'application/json' },
    body: options.body,
    requests: [{ setupRequest: setup }],
  });
  const cpuAfter = cpuSeconds(options.serverPid);
  const alsoAfter = also.map(([, pid]) => cpuSeconds(pid));
  const ok = result.requests.total - result.non2xx;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
    cpuUsPerReq: perRequest(cpuBefore, cpuAfter, ok),
    alsoCpuUsPerReq: Object.fromEntries(also.map(([name], i) => [name, perRequest(alsoBefore[i], alsoAfter[i], ok)])),
  };
}
