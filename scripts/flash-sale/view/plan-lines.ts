import { STAGES } from '../metrics/drain-model';
import type { RunPlan } from '../metrics/sample.types';
import type { RunMode } from '../options';
import { num, stageLabel } from '../report/run-reading';

/**
 * What a run is about to do, in a few lines printed before the burst: the load, each stage's
 * capacity, how far the spike exceeds the bottleneck and the model's forecast.
 */
export function planLines(plan: RunPlan, mode: RunMode = 'broker'): string[] {
  const f = plan.forecast;
  const caps = STAGES.map((s) => {
    const st = f.stages.find((x) => x.stage === s);
    return `${s} ${st?.capacityPerSec ? `${num(st.capacityPerSec)}/s` : 'unlimited'}`;
  }).join(', ');
  const lines = [
    `plan (${plan.topology} topology): ${num(plan.orders)} orders in a ${plan.burstSeconds} s spike = ${num(f.offeredPerSec)}/s offered on average (${num(f.peakOfferedPerSec)}/s in the busiest second)`,
    `capacities: ${caps} (payment: both gateways together)`,
  ];
  if (f.bottleneck && f.bottleneckCapacityPerSec && f.offeredToCapacity !== null) {
    const b = f.stages.find((x) => x.stage === f.bottleneck)!;
    lines.push(
      `bottleneck: ${stageLabel(f.bottleneck)}, ${num(b.workload)} items at ${num(f.bottleneckCapacityPerSec)}/s = ${b.minBusySeconds} s of work; ` +
        `offered ÷ its capacity = ${f.offeredToCapacity.toFixed(1)}×`,
    );
    lines.push(
      mode === 'direct'
        ? `direct mode (RPC, no message engine): at most ${num(f.bottleneckCapacityPerSec)} requests/s get through ${f.bottleneck} while the buyers wait; the rest wait in line until their deadline`
        : `forecast: last order final ${f.drainSeconds.toFixed(1)} s after the spike (Little's law: backlog ÷ the bottleneck's capacity)`,
    );
  } else {
    lines.push('no stage has a capacity limit: nothing should queue');
  }
  return lines;
}
