/**
 * node -r @swc-node/register bench/lib/profile-top.ts <file.cpuprofile> [top=25]
 *
 * Prints the functions of a V8 CPU profile (node --cpu-prof) by self time, with their share
 * of the non-idle samples: what dominates a benchmark's broker process.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [top]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    const where = frame.url ? `${frame.url.replace(/^.*\/(libs|node_modules|bench|scripts)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    busy += dt;
  });
  const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
  console.log(`busy (non-idle) samples: ${(busy / 1000).toFixed(0)} ms`);
  for (const [key, us] of top) console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
}

main();
