/**
 * The measurement loops every peer shares, so each system runs the same workload: timed
 * produce with a fixed number of unacknowledged messages per producer, and paced
 * produce→consume latency with the send time stamped into the message itself.
 */
import { percentile } from '../lib/report';
import { LatencyFigures, Workload } from './peer.types';

const WARMUP_FLAG = 0x57; // 'W': proves the consumer is reading before the paced sends start
const LATENCY_FLAG = 0x4c; // 'L': a measured message
const LATENCY_DEADLINE_MS = 30_000;

/** A message of `bytes` bytes: filler only (throughput). */
export function fillerMessage(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'x');
}

/** A message carrying its send time (float64 at 0) and a flag byte at 8; the rest is filler. */
export function stampedMessage(bytes: number, flag: number = LATENCY_FLAG): Buffer {
  const b = Buffer.alloc(Math.max(bytes, 9), 'x');
  b.writeDoubleLE(performance.now(), 0);
  b[8] = flag;
  return b;
}

export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs `w.producers` producers for `w.produceSeconds`. Each keeps `w.inFlight` messages
 * unacknowledged as `w.inFlight / w.batch` lanes, each lane awaiting `send(producer, batch)`
 * (which resolves once the system acknowledged all `batch` messages) before sending again.
 */
export async function runProducers(w: Workload, send: (producer: number, batch: number) => Promise<void>): Promise<{ msgsPerSec: number; messages: number }> {
  const lanes = Math.max(1, Math.floor(w.inFlight / w.batch));
  const started = performance.now();
  const stopAt = started + w.produceSeconds * 1000;
  let acked = 0;
  let last = started;
  await Promise.all(
    Array.from({ length: w.producers * lanes }, async (_, i) => {
      const producer = i % w.producers;
      while (performance.now() < stopAt) {
        await send(producer, w.batch);
        acked += w.batch;
        last = performance.now();
      }
    }),
  );
  return { msgsPerSec: acked / ((last - started) / 1000), messages: acked };
}

/** Counts consumed messages and resolves with messages/s from the first to the `expected`-th. */
export class ConsumeCounter {
  private seen = 0;
  private first = 0;
  private resolveDone!: (rate: number) => void;
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly expected: number) {}

  add(count: number): void {
    if (this.first === 0) this.first = performance.now();
    this.seen += count;
    if (this.seen >= this.expected) this.resolveDone(this.expected / ((performance.now() - this.first) / 1000));
  }

  get count(): number {
    return this.seen;
  }
}

/**
 * Latency at a fixed rate. `subscribe` starts a consumer from the beginning of an empty
 * stream and returns its stop function; one warm-up message proves it is reading; then
 * `w.latencyMessages` stamped messages are sent every 1/`w.latencyRate` s without waiting
 * for acknowledgements, and each one's latency is its arrival time minus its stamp.
 */
export async function measureLatency(
  w: Workload,
  subscribe: (onValue: (value: Buffer) => void) => Promise<() => Promise<void>>,
  sendOne: (value: Buffer) => Promise<unknown>,
): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let warmedUp!: () => void;
  let allArrived!: () => void;
  const warm = new Promise<void>((r) => (warmedUp = r));
  const arrived = new Promise<void>((r) => (allArrived = r));
  const stop = await subscribe((value) => {
    if (value.length < 9) return;
    if (value[8] === WARMUP_FLAG) return warmedUp();
    if (value[8] !== LATENCY_FLAG) return;
    latencies.push(performance.now() - value.readDoubleLE(0));
    if (latencies.length >= w.latencyMessages) allArrived();
  });
  try {
    await sendOne(stampedMessage(w.messageBytes, WARMUP_FLAG));
    await withDeadline(warm, LATENCY_DEADLINE_MS, 'latency warm-up message');
    const sends: Array<Promise<unknown>> = [];
    const interval = 1000 / w.latencyRate;
    const started = performance.now();
    for (let i = 0; i < w.latencyMessages; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sends.push(sendOne(stampedMessage(w.messageBytes)));
    }
    await Promise.all(sends);
    await withDeadline(arrived, LATENCY_DEADLINE_MS, `latency: ${latencies.length} of ${w.latencyMessages} messages arrived`);
  } finally {
    await stop();
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** A short random suffix so concurrent or leftover runs never share a stream, queue or topic. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
