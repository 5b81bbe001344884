/**
 * bench:peers' results: one row per case (medians over runs), our broker's ratio to each
 * row within the same durability class, the printed table and the JSON line's object.
 */
import { median } from '../lib/report';
import { Durability, DURABILITY_LABEL, PeerCase } from './peer.types';

export interface CaseRuns {
  produce: number[];
  consume: number[];
  p50: number[];
  p99: number[];
}

export interface PeerRow {
  id: string;
  system: string;
  client: string;
  durability: Durability;
  setting: string;
  ours: PeerCase['ours'] | null;
  produceMsgsPerSec: number;
  consumeMsgsPerSec: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Our best Node-over-TCP produce in this class ÷ this row's (the fsync class stands in for fsync-1s). */
  oursTcpProduceRatio: number | null;
  oursInProcessProduceRatio: number | null;
  oursTcpConsumeRatio: number | null;
  runs: CaseRuns;
}

export interface Skipped {
  id: string;
  reason: string;
}

/** The class whose figures of ours a row is compared with: ours has no once-a-second setting, so fsync (stronger). */
function comparedClass(d: Durability): Durability {
  return d === 'fsync-1s' ? 'fsync' : d;
}

function best(rows: PeerRow[], ours: PeerRow['ours'], d: Durability, key: 'produceMsgsPerSec' | 'consumeMsgsPerSec'): number | null {
  const values = rows.filter((r) => r.ours === ours && r.durability === d).map((r) => r[key]);
  return values.length ? Math.max(...values) : null;
}

const ratio = (a: number | null, b: number) => (a === null || !(b > 0) ? null : Number((a / b).toFixed(2)));

export function buildRows(results: Array<{ c: PeerCase; runs: CaseRuns }>): PeerRow[] {
  const med = (v: number[]) => (v.length ? median(v) : null);
  const rows: PeerRow[] = results.map(({ c, runs }) => ({
    id: c.id,
    system: c.system,
    client: c.client,
    durability: c.durability,
    setting: c.setting,
    ours: c.ours ?? null,
    produceMsgsPerSec: med(runs.produce) ?? 0,
    consumeMsgsPerSec: med(runs.consume) ?? 0,
    latencyP50Ms: med(runs.p50),
    latencyP99Ms: med(runs.p99),
    oursTcpProduceRatio: null,
    oursInProcessProduceRatio: null,
    oursTcpConsumeRatio: null,
    runs,
  }));
  for (const r of rows) {
    const d = comparedClass(r.durability);
    r.oursTcpProduceRatio = ratio(best(rows, 'tcp', d, 'produceMsgsPerSec'), r.produceMsgsPerSec);
    r.oursInProcessProduceRatio = ratio(best(rows, 'in-process', d, 'produceMsgsPerSec'), r.produceMsgsPerSec);
    r.oursTcpConsumeRatio = ratio(best(rows, 'tcp', d, 'consumeMsgsPerSec'), r.consumeMsgsPerSec);
  }
  return rows;
}

/** The fsync-before-ack comparison the issue sets as the goal: our Node-over-TCP produce ≥ 2× the best peer's. */
export function fsyncSummary(rows: PeerRow[]): Record<string, number | string | boolean | null> {
  const peers = rows.filter((r) => r.ours === null && r.durability === 'fsync');
  const bestPeer = peers.length ? peers.reduce((a, b) => (b.produceMsgsPerSec > a.produceMsgsPerSec ? b : a)) : null;
  const oursTcp = best(rows, 'tcp', 'fsync', 'produceMsgsPerSec');
  const oursInProcess = best(rows, 'in-process', 'fsync', 'produceMsgsPerSec');
  const vsBest = bestPeer && oursTcp !== null ? Number((oursTcp / bestPeer.produceMsgsPerSec).toFixed(2)) : null;
  return {
    bestPeerFsyncId: bestPeer?.id ?? null,
    bestPeerFsyncProduceMsgsPerSec: bestPeer ? Math.round(bestPeer.produceMsgsPerSec) : null,
    oursTcpFsyncProduceMsgsPerSec: oursTcp === null ? null : Math.round(oursTcp),
    oursInProcessFsyncProduceMsgsPerSec: oursInProcess === null ? null : Math.round(oursInProcess),
    oursTcpVsBestPeerFsyncProduce: vsBest,
    fsyncGoalMet: vsBest === null ? null : vsBest >= 2,
  };
}

function fmt(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n < 10 ? 2 : 1);
}

export function printPeersTable(title: string, rows: PeerRow[], skipped: Skipped[]): void {
  const header = ['system', 'client', 'durability', 'produce msg/s', 'consume msg/s', 'p50 ms', 'p99 ms', 'ours TCP ÷ (produce)', 'ours in-proc ÷ (produce)', 'ours TCP ÷ (consume)'];
  const cells = rows.map((r) => [
    r.system,
    r.client,
    DURABILITY_LABEL[r.durability],
    fmt(r.produceMsgsPerSec),
    fmt(r.consumeMsgsPerSec),
    fmt(r.latencyP50Ms),
    fmt(r.latencyP99Ms),
    fmt(r.oursTcpProduceRatio),
    fmt(r.oursInProcessProduceRatio),
    fmt(r.oursTcpConsumeRatio),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => '| ' + c.map((x, i) => (i >= 3 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log('| ' + widths.map((w, i) => (i >= 3 ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |');
  for (const c of cells) console.log(line(c));
  console.log('\nSettings and runs (produce / consume msg/s per run):');
  for (const r of rows) console.log(`- ${r.id}: ${r.setting}; produce ${r.runs.produce.map(fmt).join(' / ')}; consume ${r.runs.consume.map(fmt).join(' / ')}`);
  for (const s of skipped) console.log(`- SKIPPED ${s.id}: ${s.reason}`);
  console.log('Ratios compare within a durability class; the "fsync once a second" rows are compared with our fsync-before-ack figures (ours has no such setting).\n');
}
