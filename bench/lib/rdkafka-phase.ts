/**
 * The librdkafka phase of bench:wire: kcat produces a prepared file into a 4-partition topic
 * of a broker process with acks=all, then reads the topic back to /dev/null. For each half
 * it records the rate, kcat's CPU (in cores: CPU seconds per wall second) and the broker
 * process's CPU over the same interval, so the table shows which side was the limit.
 */
import { Kafka, logLevel } from 'kafkajs';
import { KCAT_FETCH_WAIT_MAX_MS, kcatConsume, kcatProduce } from './kcat';
import { Figure, median } from './report';

export interface RdkafkaPhase {
  produceMsgsPerSec: number;
  produceKcatCores: number;
  produceBrokerCores: number;
  consumeMsgsPerSec: number;
  consumeKcatCores: number;
  consumeBrokerCores: number;
  /** Broker CPU per message: steadier than rates on a loaded machine. */
  produceBrokerCpuUsPerMsg: number;
  consumeBrokerCpuUsPerMsg: number;
}

export interface RdkafkaPhaseOptions {
  port: number;
  /** The broker process's CPU time so far (user + system, ms). */
  brokerCpuMs: () => Promise<number>;
  messageFile: string;
  total: number;
  topic?: string;
  partitions?: number;
}

export async function createTopic(port: number, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-rdkafka-admin', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
}

export async function runRdkafkaPhase(o: RdkafkaPhaseOptions): Promise<RdkafkaPhase> {
  const topic = o.topic ?? 'rdkafka';
  const broker = `127.0.0.1:${o.port}`;
  await createTopic(o.port, topic, o.partitions ?? 4);

  const cpu0 = await o.brokerCpuMs();
  const produced = await kcatProduce(broker, topic, o.messageFile, o.total, 'all');
  const cpu1 = await o.brokerCpuMs();
  const consumed = await kcatConsume(broker, topic);
  const cpu2 = await o.brokerCpuMs();
  if (consumed.messages !== o.total) throw new Error(`kcat read ${consumed.messages} messages back, expected ${o.total}`);
  return {
    produceMsgsPerSec: o.total / produced.seconds,
    produceKcatCores: produced.cpuSeconds / produced.seconds,
    produceBrokerCores: (cpu1 - cpu0) / 1000 / produced.seconds,
    consumeMsgsPerSec: consumed.messages / consumed.seconds,
    consumeKcatCores: consumed.cpuSeconds / consumed.seconds,
    consumeBrokerCores: (cpu2 - cpu1) / 1000 / consumed.seconds,
    produceBrokerCpuUsPerMsg: ((cpu1 - cpu0) * 1000) / o.total,
    consumeBrokerCpuUsPerMsg: ((cpu2 - cpu1) * 1000) / o.total,
  };
}

/** The phase's figures (medians over runs) for bench:wire's table and JSON line. */
export function rdkafkaFigures(runs: RdkafkaPhase[], total: number, ceilingRuns: number[]): Figure[] {
  if (runs.length === 0) return [];
  const fig = (name: string, key: keyof RdkafkaPhase, unit: string, note: string): Figure => {
    const values = runs.map((r) => r[key]);
    return { name, runs: values, unit, value: median(values), note };
  };
  const n = total.toLocaleString('en-US');
  const figures = [
    fig('rdkafkaProduceMsgsPerSec', 'produceMsgsPerSec', 'msg/s', `kcat -P -l: ${n} x 100 B from a file, acks=all, 4 partitions; wall time incl. kcat start`),
    fig('rdkafkaProduceKcatCores', 'produceKcatCores', 'cores', 'kcat CPU seconds / wall seconds while producing (1 = one core busy)'),
    fig('rdkafkaProduceBrokerCores', 'produceBrokerCores', 'cores', 'broker process CPU seconds / wall seconds while kcat produced'),
    fig('rdkafkaProduceBrokerCpuUsPerMsg', 'produceBrokerCpuUsPerMsg', 'µs', 'broker CPU per message produced (1 / this = msg/s one broker core could take)'),
    fig('rdkafkaConsumeMsgsPerSec', 'consumeMsgsPerSec', 'msg/s', `kcat -C -e from the beginning to /dev/null, ${n} messages, fetch.wait.max.ms=${KCAT_FETCH_WAIT_MAX_MS}`),
    fig('rdkafkaConsumeKcatCores', 'consumeKcatCores', 'cores', 'kcat CPU seconds / wall seconds while consuming'),
    fig('rdkafkaConsumeBrokerCores', 'consumeBrokerCores', 'cores', 'broker process CPU seconds / wall seconds while kcat consumed'),
    fig('rdkafkaConsumeBrokerCpuUsPerMsg', 'consumeBrokerCpuUsPerMsg', 'µs', 'broker CPU per message served'),
  ];
  if (ceilingRuns.length > 0) {
    figures.push({ name: 'rdkafkaCeilingProduceMsgsPerSec', runs: ceilingRuns, unit: 'msg/s', value: median(ceilingRuns), note: 'the same kcat produce against the null broker (stores nothing): kcat alone' });
  }
  return figures;
}
