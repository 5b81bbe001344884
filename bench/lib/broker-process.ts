/**
 * A broker in its own process for the over-TCP benchmarks: wire-broker.child.ts (an
 * EmbeddedBroker on a temporary disk data dir behind the Kafka wire server, ephemeral port).
 * Its CPU time can be read at any point; stop() closes it and removes its data.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
}

/** `args` go to the child (`--null`: store nothing); `cpuProfDir` adds V8's --cpu-prof. */
export function startBrokerProcess(args: string[] = [], cpuProfDir?: string): Promise<BrokerProcess> {
  const profile = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'wire-broker.child.ts'), args, { execArgv: ['-r', '@swc-node/register', ...profile] });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`broker child exited ${code}`)));
  });
}

/** The broker process's CPU time so far (user + system, ms). */
export function brokerCpuMs(broker: BrokerProcess): Promise<number> {
  return new Promise((resolve) => {
    broker.child.once('message', (m: { cpuMs: number }) => resolve(m.cpuMs));
    broker.child.send({ cmd: 'cpu' });
  });
}

export function stopBrokerProcess(broker: BrokerProcess): Promise<void> {
  return new Promise((resolve) => {
    broker.child.once('exit', () => resolve());
    broker.child.send({ cmd: 'stop' });
  });
}
