import type { DrainForecast, StageForecast, StageName } from '../metrics/drain-model';
import type { RunSummary, StageFigures } from './run-report.types';

/**
 * The plain-words reading of a run, built only from its measured figures (never a canned
 * claim): what arrived, how fast buyers got receipts, how the bottleneck worked the backlog
 * off, whether the drain matched the prediction, and whether the run showed peak shaving.
 * Pure functions.
 */

/** Receipts count as "at once" when 99 % of buyers had theirs within this long. */
export const FAST_RECEIPT_P99_MS = 500;
/** Intake kept pace with the crowd when it accepted at least this share of the offered rate. */
export const KEPT_PACE_RATIO = 0.9;
/** The bottleneck counts as working at capacity from this share of it. */
export const AT_CAPACITY_SHARE = 0.8;
/** A drain within this many seconds, or this share, of the prediction matches it. */
export const PREDICTION_TOLERANCE_SECONDS = 1.5;
export const PREDICTION_TOLERANCE_SHARE = 0.25;

export type Verdict = RunSummary['peakShaving'];

export interface Reading {
  verdict: Verdict;
  /** One paragraph. */
  text: string;
  /** Short reasons behind a 'not-shown' verdict (empty otherwise). */
  missing: string[];
}

const STAGE_LABEL: Record<string, string> = { auth: 'auth (login-info check)', 'course-validation': 'course-validation (course check)', payment: 'payment (both gateways)' };

export function stageLabel(stage: string | null): string {
  return stage ? (STAGE_LABEL[stage] ?? stage) : 'none';
}

/** 1234 → "1,234". */
export function num(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** Milliseconds in the unit a reader expects: "40 ms", "3.3 s". */
export function ms(v: number | null): string {
  if (v === null) return '—';
  return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

/** A sentence starts with a capital, even when it starts with a service's name. */
function capitalise(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function secs(v: number): string {
  return `${v.toFixed(1)} s`;
}

/** Does the measured drain match the predicted one? */
export function matchesPrediction(measured: number, predicted: number): boolean {
  return Math.abs(measured - predicted) <= Math.max(PREDICTION_TOLERANCE_SECONDS, PREDICTION_TOLERANCE_SHARE * predicted);
}

function bottleneckOf(s: RunSummary): StageFigures | null {
  return s.stages.find((x) => x.stage === s.bottleneckStage) ?? null;
}

function arrivalSentence(s: RunSummary): string {
  const head = `${num(s.ordersSent)} orders arrived in ${secs(s.burstSeconds)} (${num(s.offeredPerSec)}/s on average, ${num(s.peakOfferedPerSec)}/s in the busiest second`;
  const b = bottleneckOf(s);
  if (!b || !s.downstreamCapacityPerSec || s.offeredToCapacityRatio === null) return `${head}; no downstream stage had a capacity limit).`;
  const ratio = s.offeredToCapacityRatio;
  const cap = num(s.downstreamCapacityPerSec);
  if (ratio <= 1) return `${head}); ${stageLabel(b.stage)}, the slowest stage for this load, can do ${cap}/s, so the crowd never outran the downstream: there was no peak to shave.`;
  return `${head}: ${ratio.toFixed(1)}× the ${cap}/s that ${stageLabel(b.stage)}, the slowest stage for this load, can do).`;
}

function receiptSentence(s: RunSummary): string {
  const errors = s.intakeErrors > 0 ? `; ${num(s.intakeErrors)} got an error or timeout instead` : '';
  const pace =
    s.acceptedToOfferedRatio >= KEPT_PACE_RATIO
      ? `intake kept pace with the crowd (${num(s.acceptedPerSecDuringSpike)}/s accepted)`
      : `intake fell behind the crowd: ${num(s.acceptedPerSecDuringSpike)}/s accepted while ${num(s.offeredPerSec)}/s were offered`;
  return (
    `${num(s.accepted)} of ${num(s.ordersSent)} buyers got a receipt${errors}; 99 % within ${ms(s.intakeP99Ms)} of clicking ` +
    `(p99; median ${ms(s.intakeP50Ms)}; the server's own time p99 ${ms(s.intakeServiceP99Ms)}), and ${pace}.`
  );
}

function downstreamSentence(s: RunSummary): string {
  const b = bottleneckOf(s);
  if (!b || b.capacityPerSec === null) return '';
  const name = b.stage;
  if (s.bottleneckPerSecDuringDrain === null) return `${name}'s pace could not be measured in this run.`;
  const share = s.bottleneckPerSecDuringDrain / b.capacityPerSec;
  const from = b.firstDoneAt !== null ? ` from ${secs(b.firstDoneAt)} after the opening` : '';
  if (share >= AT_CAPACITY_SHARE)
    return `${name} worked at ${num(s.bottleneckPerSecDuringDrain)}/s (its capacity ${num(b.capacityPerSec)}/s)${from} while orders waited for it in the broker${typeof b.peakLag === 'number' ? ` (up to ${num(b.peakLag)} messages)` : ''}.`;
  return `${name} worked at only ${num(s.bottleneckPerSecDuringDrain)}/s of its ${num(b.capacityPerSec)}/s${from}: it was held back (short of CPU, or waiting for the stage before it).`;
}

function drainSentence(s: RunSummary): string {
  if (!s.drained || s.finishedAfterSpikeSeconds === null) return `Not every order was final when the run gave up waiting (the model expected the last one ${secs(s.predictedDrainSeconds)} after the spike).`;
  const measured = s.finishedAfterSpikeSeconds;
  const predicted = s.predictedDrainSeconds;
  const how = matchesPrediction(measured, predicted) ? 'as predicted' : measured > predicted ? 'later than predicted' : 'sooner than predicted';
  const first = s.firstFinalAfterMs !== null ? ` The first order was final ${ms(s.firstFinalAfterMs)} after the first was accepted.` : '';
  return `The last order was final ${secs(measured)} after the spike, ${how} (${secs(predicted)}).${first}`;
}

function invariantSentence(s: RunSummary): string {
  if (s.ok) return 'Nothing was lost, no seat was oversold, nobody was charged twice and nobody was charged without a seat.';
  return `Invariants broken: lost ${num(s.lost)}, oversold ${num(s.oversold)}, double charged ${num(s.doubleCharged)}, charged without a seat ${num(s.chargedWithoutSeat)}.`;
}

function cpuSentence(s: RunSummary): string {
  if (s.intakeCpuUsPerOrder === null) return '';
  return s.intakeCpuIncludesEverything
    ? `The one process used ${num(s.intakeCpuUsPerOrder)} µs of CPU per accepted order during intake (single topology: that includes the broker and every service).`
    : `During intake, order-service used ${num(s.intakeCpuUsPerOrder)} µs of CPU per accepted order.`;
}

/** Where the parts ran, and who got the CPU first on this one machine. */
function topologySentence(s: RunSummary): string {
  if (s.topology === 'single') return 'It ran in the single topology: the broker and every service in one OS process.';
  const roles = s.processes.map((p) => p.role).join(', ');
  const niced = s.processes.filter((p) => p.nice > 0);
  const nice = niced.length
    ? `; ${niced.map((p) => p.role).join(', ')} ran at nice ${[...new Set(niced.map((p) => p.nice))].join('/')}, so on this one machine the order service got the CPU first (on real deployments they are separate machines)`
    : '';
  return `It ran in the ${s.topology} topology${roles ? `, one OS process each for ${roles}` : ''}${nice}.`;
}

/** What is missing for the run to show peak shaving (empty: it shows it). */
export function peakShavingGaps(s: RunSummary): string[] {
  const gaps: string[] = [];
  if (s.intakeP99Ms === null || s.intakeP99Ms > FAST_RECEIPT_P99_MS) gaps.push(`receipts were slow (p99 ${ms(s.intakeP99Ms)}, more than ${ms(FAST_RECEIPT_P99_MS)})`);
  if (s.acceptedToOfferedRatio < KEPT_PACE_RATIO) gaps.push(`intake accepted only ${Math.round(s.acceptedToOfferedRatio * 100)} % of the offered rate`);
  if (s.intakeErrors > 0) gaps.push(`${num(s.intakeErrors)} buyers got an error or timeout`);
  const b = bottleneckOf(s);
  if (b && b.capacityPerSec !== null && (s.bottleneckPerSecDuringDrain === null || s.bottleneckPerSecDuringDrain < AT_CAPACITY_SHARE * b.capacityPerSec))
    gaps.push(`${b.stage} did not work at its capacity while orders waited (${s.bottleneckPerSecDuringDrain === null ? 'not measured' : `${num(s.bottleneckPerSecDuringDrain)}/s of ${num(b.capacityPerSec)}/s`})`);
  if (!s.drained || s.finishedAfterSpikeSeconds === null) gaps.push('the backlog was not worked off');
  else if (!matchesPrediction(s.finishedAfterSpikeSeconds, s.predictedDrainSeconds))
    gaps.push(`the drain (${secs(s.finishedAfterSpikeSeconds)}) was far from the prediction (${secs(s.predictedDrainSeconds)})`);
  if (!s.ok) gaps.push('orders were lost, seats oversold or buyers charged twice');
  return gaps;
}

/** The reading of one run. */
export function readRun(s: RunSummary): Reading {
  if (s.mode === 'direct') return readDirect(s);
  const parts = [arrivalSentence(s), receiptSentence(s), downstreamSentence(s), drainSentence(s), invariantSentence(s), cpuSentence(s), topologySentence(s)];
  const noPeak = s.offeredToCapacityRatio !== null && s.offeredToCapacityRatio <= 1;
  const gaps = noPeak ? [] : peakShavingGaps(s);
  let verdict: Verdict;
  if (noPeak || s.offeredToCapacityRatio === null) {
    verdict = 'no-peak';
    parts.push('With the downstream as fast as the crowd, this run cannot show peak shaving: raise --orders or lower a capacity.');
  } else if (gaps.length === 0) {
    verdict = 'shown';
    parts.push(
      `This is peak shaving: the order service wrote each order to the message engine and answered at once, and the downstream worked the spike off afterwards at its own pace.`,
    );
  } else {
    verdict = 'not-shown';
    parts.push(`This run did NOT show peak shaving as the course describes it: ${gaps.join('; ')}.`);
  }
  return { verdict, text: parts.filter(Boolean).map(capitalise).join(' '), missing: gaps };
}

function readDirect(s: RunSummary): Reading {
  const b = bottleneckOf(s);
  const cap = b && b.capacityPerSec !== null ? ` ${b.stage}'s ${num(b.capacityPerSec)}/s capped the intake itself.` : '';
  const charged = s.confirmedWithoutReceipt > 0 ? ` ${num(s.confirmedWithoutReceipt)} buyers were charged and got a seat although their request ended in an error.` : '';
  const text =
    `Direct mode (RPC, no message engine): each request waited for auth, course-validation and payment before it was answered. ` +
    `${num(s.ordersSent)} orders arrived at ${num(s.offeredPerSec)}/s; ${num(s.accepted)} got an answer with an order ` +
    `(${num(s.acceptedPerSecDuringSpike)}/s), ${num(s.refusedAtIntake)} were refused and ${num(s.intakeErrors)} ended in an error or timeout ` +
    `(${num(s.intakeTimeouts)} timeouts); 99 % of answers came within ${ms(s.intakeP99Ms)} (median ${ms(s.intakeP50Ms)}). ` +
    `Nothing waited in a broker (max lag ${num(s.maxLag)}):${cap || ' the downstream set the pace of the answers.'}${charged} ${invariantSentence(s)}`;
  return { verdict: 'direct', text, missing: [] };
}

/** The reading of a --compare run: the message engine against direct calls, same crowd. */
export function readComparison(broker: RunSummary, direct: RunSummary): string {
  const parts: string[] = [`Same crowd, two designs: ${num(broker.ordersSent)} orders at ${num(broker.offeredPerSec)}/s.`];
  parts.push(
    `With the message engine, ${num(broker.accepted)} got a receipt (${num(broker.intakeErrors)} errors), p99 ${ms(broker.intakeP99Ms)}, ` +
      (broker.finishedAfterSpikeSeconds !== null ? `and the downstream finished ${secs(broker.finishedAfterSpikeSeconds)} after the spike.` : 'and the backlog was not worked off in time.'),
  );
  parts.push(
    `Calling the services directly (RPC), ${num(direct.accepted)} got an answer with an order and ${num(direct.intakeErrors)} an error or timeout, p99 ${ms(direct.intakeP99Ms)}.`,
  );
  const bp = broker.intakeP99Ms;
  const dp = direct.intakeP99Ms;
  if (bp !== null && dp !== null && bp > 0 && dp > bp) {
    const factor = dp / bp;
    parts.push(
      `Buyers waited ${factor >= 10 ? num(factor) : factor.toFixed(1)}× longer (p99) without the message engine: the direct design makes the crowd wait for the slowest service, the broker lets the service answer first and work later.`,
    );
  } else if (bp !== null && dp !== null) {
    parts.push(`Here direct mode answered as fast as or faster than broker mode (p99 ${ms(dp)} vs ${ms(bp)}): this run does not show the message engine's advantage at intake.`);
  }
  if (direct.intakeErrors > broker.intakeErrors) parts.push(`Direct mode turned ${num(direct.intakeErrors - broker.intakeErrors)} more buyers away with errors.`);
  return parts.join(' ');
}

/**
 * How the forecast was made, with this run's numbers: each stage's workload and capacity,
 * the bottleneck, and the drain it implies (Little's law).
 */
export function explainForecast(mode: RunSummary['mode'], f: DrainForecast, burstSeconds: number, seats: number, buyers: number): string {
  if (mode === 'direct') return explainDirect(f);
  const stage = (name: StageName): StageForecast => f.stages.find((s) => s.stage === name)!;
  const work = (s: StageForecast): string =>
    s.capacityPerSec === null ? `${num(s.workload)} items, no limit` : `${num(s.workload)} at ${num(s.capacityPerSec)}/s = ${s.minBusySeconds.toFixed(1)} s of work`;
  const auth = stage('auth');
  const course = stage('course-validation');
  const pay = stage('payment');
  const parts = [
    `How the prediction is made: each stage works through its own backlog at its capacity, and a backlog of L items in front of a stage that serves c per second clears in L ÷ c seconds (Little's law, L = λ·W with λ = c).`,
    `auth and course-validation see every accepted order (auth: ${work(auth)}; course-validation: ${work(course)});`,
    `payment sees only orders that pass both checks and get a seat: min(seats ${num(seats)}, buyers ${num(buyers)}, orders ${num(auth.workload)}) = ${num(pay.workload)} charges (${work(pay)}); the other orders are rejected SOLD_OUT or ALREADY_BOUGHT at the course check.`,
  ];
  if (f.bottleneck) {
    const b = stage(f.bottleneck);
    parts.push(
      `The stage with the most work for its capacity, ${f.bottleneck}, sets the pace: it finishes about ${b.finishSeconds.toFixed(1)} s after the opening, ` +
        `so the last order should be final ${f.drainSeconds.toFixed(1)} s after the ${burstSeconds} s spike (the backlog left at the spike's end ÷ ${num(b.capacityPerSec ?? 0)}/s).`,
    );
  }
  parts.push('Dashed lines on the backlog chart are this model; solid lines are what the broker measured.');
  return parts.join(' ');
}

/** Direct mode has no backlog to forecast: what limits it instead. */
function explainDirect(f: DrainForecast): string {
  const b = f.stages.find((s) => s.stage === f.bottleneck);
  const cap = b && b.capacityPerSec !== null ? `${b.stage}'s ${num(b.capacityPerSec)}/s` : 'the slowest service';
  return (
    `Direct mode has no message engine and so no backlog to forecast: each request holds its connection while auth, course-validation and payment work in turn (RPC). ` +
    `When the crowd outruns ${cap}, requests wait in line inside the services until their deadline and are answered with an error; ` +
    `the buyers, not a broker, hold the queue.`
  );
}
