/**
 * Command-line options of `npm run flash-sale`: parsing, validation and the `--help` text.
 * Pure functions; no I/O.
 */
import { TOPOLOGIES, Topology } from './stack/stack.types';

export const RUN_MODES = ['broker', 'direct'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const BURST_SHAPES = ['spike', 'ramp', 'waves', 'steady'] as const;
export type BurstShape = (typeof BURST_SHAPES)[number];

export interface PaymentSettings {
  /** Charges per second both simulated gateways accept together (split evenly between Alipay and WeChat Pay). */
  capacityPerSec: number;
  /** Median gateway latency in milliseconds (p99 is 4x). */
  latencyMs: number;
  /** Probability (0..1) that a charge is declined. */
  failureRate: number;
}

export interface FlashSaleOptions {
  orders: number;
  buyers: number;
  seats: number;
  shape: BurstShape;
  burstSeconds: number;
  payment: PaymentSettings;
  /** Login-info checks per second auth performs (the user directory is a slower system too). */
  authCapacityPerSec: number;
  /** Course checks (and seat holds) per second course-validation performs. */
  courseCapacityPerSec: number;
  /** Ordinary orders (another course) sent and drained before the sale opens, so every process is warm; 0: none. */
  warmUpOrders: number;
  /** Where the parts run (see Topology). */
  topology: Topology;
  partitions: number;
  consumersPerService: number;
  /** Modes to run, in order (two with --compare). */
  modes: RunMode[];
  compare: boolean;
  json: boolean;
  dashboard: boolean;
  /** Keep the dashboard open this many seconds after the run (0 = close at once). */
  holdSeconds: number;
  reportDir: string | null;
  /** Every process of the stack writes a V8 CPU profile here (node --cpu-prof); null: none. */
  cpuProfDir: string | null;
  /** A request slower than this counts as an intake error (timeout). */
  requestTimeoutMs: number;
  /** Direct mode: order-service answers 504 when its synchronous call chain takes longer. */
  directTimeoutMs: number;
  /** Concurrent HTTP connections of the load generator. */
  connections: number;
  /** Give up waiting for every order to become final after this long. */
  drainTimeoutSeconds: number;
  /** Metrics sampling period. */
  sampleMs: number;
  help: boolean;
}

/**
 * The default sale: 2,400 orders in a 3 s spike (800/s on average; 1,600/s at the opening instant,
 * 1,333 in the busiest second) against payment's 200/s, 4x what the slowest stage can take. The
 * busiest second stays at about two thirds of what this 2-core development machine's intake takes
 * before its own queue grows (measured in one session: with 3,000 orders, 1,667 in the busiest
 * second, the server's receipt p99 was 29-127 ms from run to run; with 2,400, 27-44 ms). A bigger
 * spike (`--orders 4000`) shows the intake's own limit, not the broker absorbing the downstream's.
 * 2,200 buyers for 2,000 seats: some buyers order twice (ALREADY_BOUGHT), some come too late (SOLD_OUT).
 */
export const DEFAULT_OPTIONS: Readonly<FlashSaleOptions> = Object.freeze({
  orders: 2_400,
  buyers: 2_200,
  seats: 2_000,
  shape: 'spike',
  burstSeconds: 3,
  payment: Object.freeze({ capacityPerSec: 200, latencyMs: 20, failureRate: 0.02 }),
  authCapacityPerSec: 600,
  courseCapacityPerSec: 400,
  topology: 'processes',
  warmUpOrders: 1_500,
  partitions: 4,
  consumersPerService: 2,
  modes: ['broker'],
  compare: false,
  json: false,
  dashboard: true,
  holdSeconds: 0,
  reportDir: null,
  cpuProfDir: null,
  requestTimeoutMs: 10_000,
  directTimeoutMs: 5_000,
  connections: 256,
  drainTimeoutSeconds: 180,
  sampleMs: 250,
  help: false,
}) as Readonly<FlashSaleOptions>;

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

interface NumberSpec {
  key: string;
  min: number;
  max: number;
  integer: boolean;
  apply: (o: FlashSaleOptions, v: number) => void;
}

const NUMBER_FLAGS: Record<string, NumberSpec> = {
  '--orders': { key: 'orders', min: 1, max: 1_000_000, integer: true, apply: (o, v) => (o.orders = v) },
  '--buyers': { key: 'buyers', min: 1, max: 200_000, integer: true, apply: (o, v) => (o.buyers = v) },
  '--seats': { key: 'seats', min: 1, max: 1_000_000, integer: true, apply: (o, v) => (o.seats = v) },
  '--burst-seconds': { key: 'burstSeconds', min: 0.1, max: 600, integer: false, apply: (o, v) => (o.burstSeconds = v) },
  '--payment-capacity': { key: 'payment.capacityPerSec', min: 1, max: 1_000_000, integer: true, apply: (o, v) => (o.payment.capacityPerSec = v) },
  '--payment-latency-ms': { key: 'payment.latencyMs', min: 0, max: 60_000, integer: false, apply: (o, v) => (o.payment.latencyMs = v) },
  '--payment-failure-rate': { key: 'payment.failureRate', min: 0, max: 1, integer: false, apply: (o, v) => (o.payment.failureRate = v) },
  '--auth-capacity': { key: 'authCapacityPerSec', min: 1, max: 1_000_000, integer: true, apply: (o, v) => (o.authCapacityPerSec = v) },
  '--course-capacity': { key: 'courseCapacityPerSec', min: 1, max: 1_000_000, integer: true, apply: (o, v) => (o.courseCapacityPerSec = v) },
  '--warm-up-orders': { key: 'warmUpOrders', min: 0, max: 100_000, integer: true, apply: (o, v) => (o.warmUpOrders = v) },
  '--partitions': { key: 'partitions', min: 1, max: 64, integer: true, apply: (o, v) => (o.partitions = v) },
  '--consumers': { key: 'consumersPerService', min: 1, max: 16, integer: true, apply: (o, v) => (o.consumersPerService = v) },
  '--hold-seconds': { key: 'holdSeconds', min: 0, max: 86_400, integer: false, apply: (o, v) => (o.holdSeconds = v) },
  '--request-timeout-ms': { key: 'requestTimeoutMs', min: 100, max: 600_000, integer: true, apply: (o, v) => (o.requestTimeoutMs = v) },
  '--direct-timeout-ms': { key: 'directTimeoutMs', min: 10, max: 600_000, integer: true, apply: (o, v) => (o.directTimeoutMs = v) },
  '--connections': { key: 'connections', min: 1, max: 10_000, integer: true, apply: (o, v) => (o.connections = v) },
  '--drain-timeout-seconds': { key: 'drainTimeoutSeconds', min: 1, max: 3_600, integer: false, apply: (o, v) => (o.drainTimeoutSeconds = v) },
  '--sample-ms': { key: 'sampleMs', min: 100, max: 5_000, integer: true, apply: (o, v) => (o.sampleMs = v) },
};

function parseNumber(flag: string, raw: string | undefined, spec: NumberSpec): number {
  if (raw === undefined || raw === '') throw new OptionsError(`${flag} needs a value`);
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value)) throw new OptionsError(`${flag}: "${raw}" is not a number`);
  if (spec.integer && !Number.isInteger(value)) throw new OptionsError(`${flag}: "${raw}" must be a whole number`);
  if (value < spec.min || value > spec.max) throw new OptionsError(`${flag}: ${value} is outside ${spec.min}..${spec.max}`);
  return value;
}

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T {
  if (raw !== undefined && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new OptionsError(`${flag} must be one of ${allowed.join(', ')} (got ${raw ?? 'nothing'})`);
}

/** Parses argv (without node and the script). Throws OptionsError with a message fit for the user. */
export function parseOptions(argv: readonly string[]): FlashSaleOptions {
  const options: FlashSaleOptions = { ...DEFAULT_OPTIONS, payment: { ...DEFAULT_OPTIONS.payment }, modes: [...DEFAULT_OPTIONS.modes] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    const spec = NUMBER_FLAGS[flag];
    if (spec) {
      spec.apply(options, parseNumber(flag, value(), spec));
      continue;
    }
    switch (flag) {
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '--shape':
        options.shape = oneOf(flag, value(), BURST_SHAPES);
        break;
      case '--topology':
        options.topology = oneOf(flag, value(), TOPOLOGIES);
        break;
      case '--mode':
        options.modes = [oneOf(flag, value(), RUN_MODES)];
        break;
      case '--compare':
        options.compare = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '--no-dashboard':
        options.dashboard = false;
        break;
      case '--cpu-prof': {
        const dir = value();
        if (!dir) throw new OptionsError('--cpu-prof needs a directory');
        options.cpuProfDir = dir;
        break;
      }
      case '--report-dir': {
        const dir = value();
        if (!dir) throw new OptionsError('--report-dir needs a directory');
        options.reportDir = dir;
        break;
      }
      default:
        throw new OptionsError(`unknown option ${arg} (see --help)`);
    }
  }
  if (options.compare) options.modes = ['broker', 'direct'];
  return options;
}

/** The text printed by --help. */
export function helpText(): string {
  const d = DEFAULT_OPTIONS;
  return `Usage: npm run flash-sale -- [options]

Boots the whole stack (embedded broker, PostgreSQL unless DATABASE_URL is set, all services),
seeds a flash-sale course and buyers who log in, fires a burst of orders over HTTP, waits until
every order is CONFIRMED or REJECTED and prints a summary. A live dashboard runs on 127.0.0.1
(its URL is printed); a report folder with report.html and report.json is written at the end.

Load
  --orders <n>               orders to send (default ${d.orders})
  --buyers <n>               buyers who log in and share the orders (default ${d.buyers})
  --seats <n>                seats of the flash-sale course (default ${d.seats})
  --shape <s>                burst shape: spike | ramp | waves | steady (default ${d.shape})
                               spike: everyone clicks at the opening, then it tails off
                               ramp: the rate climbs steadily to its peak
                               waves: three surges
                               steady: a constant rate
  --burst-seconds <s>        duration of the burst (default ${d.burstSeconds})
  --connections <n>          concurrent HTTP connections of the crowd; an order waits for a free one
                             and counts as a timeout after --request-timeout-ms (default ${d.connections})
  --request-timeout-ms <ms>  a buyer gives up this long after clicking: an intake error (default ${d.requestTimeoutMs})
  --warm-up-orders <n>       ordinary orders of another course, sent and worked off before the sale opens so
                             every process is warm, as a shop is when its sale starts; left out of every
                             figure (default ${d.warmUpOrders}; 0: start cold)

Downstream
  --payment-capacity <n>     payment gateways' capacity, charges per second, both together (default ${d.payment.capacityPerSec})
  --auth-capacity <n>        auth's login-info checks per second (default ${d.authCapacityPerSec})
  --course-capacity <n>      course-validation's course checks per second (default ${d.courseCapacityPerSec})
  --payment-latency-ms <ms>  median payment gateway latency, p99 = 4x (default ${d.payment.latencyMs})
  --payment-failure-rate <p> share of declined charges, 0..1 (default ${d.payment.failureRate})
  --partitions <n>           partitions per pipeline topic (default ${d.partitions})
  --consumers <n>            consumer instances per service, one group per service (default ${d.consumersPerService})

Modes
  --mode broker|direct       broker: intake writes to the broker and answers at once (default)
                             direct: intake calls auth, course-validation and payment synchronously
  --direct-timeout-ms <ms>   direct mode: order-service answers 504 after this long (default ${d.directTimeoutMs})
  --compare                  run both modes back to back with the same load
  --topology processes|single
                             processes: the broker, each service and the load generator are separate
                               OS processes over the Kafka wire protocol and HTTP (default)
                             single: broker and services in one process (tests, small machines)

Output
  --json                     print one JSON line (the report) last
  --no-dashboard             do not start the web dashboard
  --hold-seconds <s>         keep the dashboard up this long after the run (default ${d.holdSeconds})
  --report-dir <dir>         report folder (default reports/<timestamp>/)
  --cpu-prof <dir>           every process of the stack writes a CPU profile there (open in Chrome DevTools)
  --sample-ms <ms>           metrics sampling period (default ${d.sampleMs})
  --drain-timeout-seconds <s> stop waiting for final orders after this long (default ${d.drainTimeoutSeconds})
  -h, --help                 this text

Environment: DATABASE_URL=postgres://… runs on that server instead of an embedded PostgreSQL
(each run creates, then drops, its own database there: the user needs CREATEDB).

Exit code: 0 when no order was lost, no seat oversold and nobody charged twice; 1 otherwise;
2 on bad options or a failure to boot.
`;
}
