/**
 * npm run broker -- [--data-dir .data/broker] [--host 127.0.0.1] [--port 9092]
 *                   [--advertised-host H] [--advertised-port P] [--partitions 1]
 *                   [--no-auto-create] [--memory]
 *
 * A standalone embedded broker speaking the Kafka wire protocol: point kafkajs, kcat or a
 * NestJS app (Transport.KAFKA) at it like at any Kafka broker.
 */
import { parseArgs } from 'node:util';
import { EmbeddedBroker } from '@peak/broker';
import { KafkaWireServer } from '@peak/wire';

const HELP = `Usage: npm run broker -- [options]

  --data-dir <dir>          where logs, offsets and metadata live (default .data/broker)
  --memory                  keep everything in memory instead (nothing survives a restart)
  --host <host>             interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port <port>             port to listen on (default 9092)
  --advertised-host <host>  host clients are told to connect to (default: the listening host)
  --advertised-port <port>  port clients are told to connect to (default: the listening port)
  --partitions <n>          partitions of auto-created topics (default 1)
  --no-auto-create          refuse to auto-create topics on produce/metadata
  --help                    this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.data/broker' },
      memory: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9092' },
      'advertised-host': { type: 'string' },
      'advertised-port': { type: 'string' },
      partitions: { type: 'string', default: '1' },
      'no-auto-create': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`--partitions must be a positive integer, got ${values.partitions}`);

  const started = performance.now();
  const broker = await EmbeddedBroker.start({
    dataDir: values.memory ? undefined : values['data-dir'],
    numPartitions: partitions,
    autoCreateTopics: !values['no-auto-create'],
  });
  const server = new KafkaWireServer({
    broker,
    host: values.host,
    port,
    advertisedHost: values['advertised-host'],
    advertisedPort: values['advertised-port'] ? Number(values['advertised-port']) : undefined,
    logger: { warn: (m) => process.stderr.write(`[broker] ${m}\n`) },
  });
  const bound = await server.start();
  const advertised = server.advertisedAddress;
  broker.setAdvertisedListener(advertised.host, advertised.port);
  const storage = values.memory ? 'memory' : values['data-dir'];
  process.stdout.write(
    `Embedded Kafka broker listening on ${bound.host}:${bound.port} (advertised ${advertised.host}:${advertised.port}), ` +
      `storage ${storage}, started in ${(performance.now() - started).toFixed(1)} ms\n` +
      `Try: kcat -b ${advertised.host}:${advertised.port} -L\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing connections and flushing logs...\n`);
    await server.close();
    await broker.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
