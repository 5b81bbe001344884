/**
 * The @platformatic/kafka phase of bench:wire: the kafkajs rows' workload driven by the other
 * pure-JavaScript client. Produce sends 100 x 100 B per partition (4 partitions) per send()
 * with acks=all, 16 sends in flight; consume reads the same messages back from the beginning
 * through the client's message stream. For each half it records the rate, the client's CPU
 * (this process: the client runs here) and the broker process's CPU over the same interval.
 * The ceiling is the same produce against the null broker (acknowledges without storing).
 */
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { Figure, median } from './report';

/** Messages per partition per send(), partitions, sends in flight: the kafkajs rows' shape. */
export const PLATFORMATIC_BATCH = 100;
export const PLATFORMATIC_PARTITIONS = 4;
export const PLATFORMATIC_IN_FLIGHT = 16;
/** Fetch long-poll bound, as the kafkajs consumer's maxWaitTimeInMs in bench:wire. */
const CONSUME_MAX_WAIT_MS = 100;
/** How long a consume may take before the phase fails instead of hanging the bench. */
const CONSUME_DEADLINE_MS = 120_000;
const VALUE = Buffer.alloc(100, 'x');

export interface PlatformaticPhase {
  produceMsgsPerSec: number;
  produceClientCores: number;
  produceBrokerCores: number;
  consumeMsgsPerSec: number;
  consumeClientCores: number;
  consumeBrokerCores: number;
}

export interface PlatformaticPhaseOptions {
  port: number;
  /** The broker process's CPU time so far (user + system, ms). */
  brokerCpuMs: () => Promise<number>;
  total: number;
  topic?: string;
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function createPlatformaticTopic(port: number, topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: [`127.0.0.1:${port}`] });
  try {
    await admin.createTopics({ topics: [topic], partitions: PLATFORMATIC_PARTITIONS, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Produces at least `total` messages with acks=all; resolves with how many went in and msg/s (wall time of the timed sends). */
export async function platformaticProduce(port: number, topic: string, total: number): Promise<{ sent: number; msgsPerSec: number }> {
  // maxInflights raised from its default (5) so the 16 concurrent sends are all on the wire,
  // as kafkajs's are; send() has no linger: each call's array is the batch.
  const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: [`127.0.0.1:${port}`], acks: -1, maxInflights: PLATFORMATIC_IN_FLIGHT });
  const messages = Array.from({ length: PLATFORMATIC_BATCH * PLATFORMATIC_PARTITIONS }, (_, i) => ({ topic, value: VALUE, partition: i % PLATFORMATIC_PARTITIONS }));
  try {
    await producer.send({ messages: messages.slice(0, 1) }); // metadata and connection before the clock
    let sent = 1;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: PLATFORMATIC_IN_FLIGHT }, async () => {
        while (sent < total) {
          sent += messages.length;
          await producer.send({ messages });
        }
      }),
    );
    return { sent, msgsPerSec: (sent - 1) / ((performance.now() - started) / 1000) };
  } finally {
    await producer.close();
  }
}

/** Reads `total` messages from the beginning; resolves with msg/s from the first message. */
async function platformaticConsume(port: number, topic: string, total: number): Promise<number> {
  const consumer = new Consumer({ clientId: 'bench-platformatic', groupId: `bench-platformatic-${Date.now()}`, bootstrapBrokers: [`127.0.0.1:${port}`], maxWaitTime: CONSUME_MAX_WAIT_MS });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    let seen = 0;
    let started = 0;
    const rate = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`@platformatic/kafka read ${seen} of ${total} messages in ${CONSUME_DEADLINE_MS} ms`)), CONSUME_DEADLINE_MS);
      stream.on('error', reject);
      stream.on('data', () => {
        if (started === 0) started = performance.now();
        if (++seen === total) {
          clearTimeout(timer);
          resolve(seen / ((performance.now() - started) / 1000));
        }
      });
    });
    await stream.close();
    return rate;
  } finally {
    await consumer.close(true);
  }
}

export async function runPlatformaticPhase(o: PlatformaticPhaseOptions): Promise<PlatformaticPhase> {
  const topic = o.topic ?? 'platformatic';
  await createPlatformaticTopic(o.port, topic);
  const b0 = await o.brokerCpuMs();
  const c0 = ownCpuMs();
  const t0 = performance.now();
  const produced = await platformaticProduce(o.port, topic, o.total);
  const b1 = await o.brokerCpuMs();
  const c1 = ownCpuMs();
  const t1 = performance.now();
  const consumeMsgsPerSec = await platformaticConsume(o.port, topic, produced.sent);
  const b2 = await o.brokerCpuMs();
  const c2 = ownCpuMs();
  const t2 = performance.now();
  return {
    produceMsgsPerSec: produced.msgsPerSec,
    produceClientCores: (c1 - c0) / (t1 - t0),
    produceBrokerCores: (b1 - b0) / (t1 - t0),
    consumeMsgsPerSec,
    consumeClientCores: (c2 - c1) / (t2 - t1),
    consumeBrokerCores: (b2 - b1) / (t2 - t1),
  };
}

/** The phase's figures (medians over runs) for bench:wire's table and JSON line. */
export function platformaticFigures(runs: PlatformaticPhase[], ceilingRuns: number[]): Figure[] {
  const fig = (name: string, values: number[], unit: string, note: string): Figure => ({ name, runs: values, unit, value: median(values), note });
  const col = (key: keyof PlatformaticPhase) => runs.map((r) => r[key]);
  const sends = `send() of ${PLATFORMATIC_BATCH} x 100 B per partition (4 partitions), acks=all, ${PLATFORMATIC_IN_FLIGHT} in flight (maxInflights=${PLATFORMATIC_IN_FLIGHT}; send() has no linger, the array is the batch)`;
  return [
    fig('platformaticProduceMsgsPerSec', col('produceMsgsPerSec'), 'msg/s', sends),
    fig('platformaticProduceClientCores', col('produceClientCores'), 'cores', 'client process CPU seconds / wall seconds while producing (incl. connect/close)'),
    fig('platformaticProduceBrokerCores', col('produceBrokerCores'), 'cores', 'broker process CPU seconds / wall seconds while producing'),
    fig('platformaticConsumeMsgsPerSec', col('consumeMsgsPerSec'), 'msg/s', `consume() stream from earliest, the same messages back, maxWaitTime=${CONSUME_MAX_WAIT_MS} ms, other options default`),
    fig('platformaticConsumeClientCores', col('consumeClientCores'), 'cores', 'client process CPU seconds / wall seconds while consuming (incl. group join)'),
    fig('platformaticConsumeBrokerCores', col('consumeBrokerCores'), 'cores', 'broker process CPU seconds / wall seconds while consuming'),
    fig('platformaticCeilingProduceMsgsPerSec', ceilingRuns, 'msg/s', 'the same sends against the null broker (stores nothing): @platformatic/kafka alone'),
  ];
}
