/**
 * Child of the broker benchmark: writes a large backlog to a disk broker and reads it back,
 * sampling RSS; sends { peakRssMB } to the parent. Memory must stay bounded: the backlog lives
 * in segment files, not in the heap.
 */
import { consumeAll, openBroker, produceBatched } from './broker-scenarios';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 5_000_000);
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const b = await openBroker(4);
  await produceBatched(b.kafka, 'backlog', total, 1000, 1);
  await consumeAll(b.kafka, 'backlog', total, 'batch', {});
  await b.close();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.send?.({ peakRssMB: peak / (1024 * 1024) });
}

void main();
