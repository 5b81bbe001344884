/**
 * node -r @swc-node/register bench/peak-wire-consume.probe.ts [--messages N] [--runs R] [--json]
 *
 * @peak/kafka's consumer over TCP (WireBroker) against the broker in a child process
 * (bench/lib/wire-broker.child.ts, disk storage): N × 100 B produced once, then consumed
 * from the beginning R times with eachBatch and R times with eachMessage (fresh groups,
 * 16 MiB fetches, 4 MiB per partition, as bench:broker). Reports the rates and the client
 * process's CPU per message, which on a shared machine is steadier than the rates.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, WireBroker } from '@peak/kafka';
import { consumeAll, produceBatched } from './lib/broker-scenarios';
import { argValue, Figure, median, printJson, printTable, wantsJson } from './lib/report';

const MESSAGES = argValue('messages', 1_000_000);
const RUNS = argValue('runs', 3);

async function consumeWithCpu(kafka: Kafka, mode: 'batch' | 'message'): Promise<{ rate: number; cpuUsPerMsg: number }> {
  const before = process.cpuUsage();
  const rate = await consumeAll(kafka, 'wire-consume', MESSAGES, mode);
  const used = process.cpuUsage(before);
  return { rate, cpuUsPerMsg: (used.user + used.system) / MESSAGES };
}

async function main(): Promise<void> {
  const child = fork(join(__dirname, 'lib', 'wire-broker.child.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const kafka = new Kafka({ clientId: 'wire-consume', broker: new WireBroker({ brokers: [`127.0.0.1:${port}`], clientId: 'wire-consume' }), logLevel: 0 });
  await produceBatched(kafka, 'wire-consume', MESSAGES, 1000, 1);
  const runs = { batch: [] as Array<{ rate: number; cpuUsPerMsg: number }>, message: [] as Array<{ rate: number; cpuUsPerMsg: number }> };
  for (let i = 0; i < RUNS; i++) {
    runs.batch.push(await consumeWithCpu(kafka, 'batch'));
    runs.message.push(await consumeWithCpu(kafka, 'message'));
  }
  child.send({ cmd: 'stop' });
  const figure = (name: string, unit: string, values: number[], note: string): Figure => ({ name, unit, value: median(values), runs: values, note });
  const figures = [
    figure('wireConsumeMsgsPerSec', 'msg/s', runs.batch.map((r) => r.rate), 'eachBatch over TCP (WireBroker)'),
    figure('wireConsumeClientCpuUsPerMsg', 'µs', runs.batch.map((r) => r.cpuUsPerMsg), 'client process CPU per message, eachBatch'),
    figure('wireConsumeEachMessagePerSec', 'msg/s', runs.message.map((r) => r.rate), 'eachMessage over TCP (WireBroker)'),
    figure('wireConsumeEachMessageClientCpuUsPerMsg', 'µs', runs.message.map((r) => r.cpuUsPerMsg), 'client process CPU per message, eachMessage'),
  ];
  printTable(`@peak/kafka consumer over TCP, ${MESSAGES.toLocaleString('en-US')} x 100 B`, figures);
  if (wantsJson()) printJson(figures, { messages: MESSAGES, node: process.version });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
