/**
 * `npm run dlq -- list [topic] | replay <topic> [--from <offset>] [--dry-run]`: what the
 * consumers gave up on, and sending it back once the cause is fixed. Talks to the broker at
 * KAFKA_BROKERS (default 127.0.0.1:9092: `npm run broker`, or `BROKER_PORT=9092 npm start`).
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { asDlqTopic, DeadLetter, DeadLetterError, distinctRecords, listDlqTopics, readDeadLetters, replayDeadLetters } from './dead-letters';

const DEFAULT_BROKERS = '127.0.0.1:9092';
/** Longest error text shown per dead letter in a listing. */
const ERROR_WIDTH = 120;

const HELP = `Usage: npm run dlq -- <command> [options]

  list [topic]               dead letters of <topic>.DLQ (every .DLQ topic when none is named):
                             offset, key, where it came from, the consumer group that gave up,
                             attempts, when, and the error
  replay <topic>             publish the dead letters of <topic>.DLQ again to <topic> (same key,
                             same headers, plus ${'dlq-replayed-from'}); do it once the cause is fixed
    --from <offset>          only dead letters at or after this offset (each partition)
    --dry-run                show what would be replayed, publish nothing
  --help                     this text

Broker: KAFKA_BROKERS=host:port[,host:port] (default ${DEFAULT_BROKERS}).
A replayed record reaches every consumer group of its topic again; the pipeline's consumers are
idempotent, so the groups that had handled it ignore it.
`;

function describe(l: DeadLetter): string {
  const error = l.error.length > ERROR_WIDTH ? `${l.error.slice(0, ERROR_WIDTH - 1)}…` : l.error;
  return (
    `${l.dlqTopic}@${l.partition}:${l.offset} key=${l.key ?? '-'} from ${l.originalTopic}@${l.originalPartition}:${l.originalOffset} ` +
    `group=${l.consumerGroup || '-'} attempts=${l.attempts || '-'} at ${l.failedAt || '-'}\n    ${l.errorName || 'Error'}: ${error}`
  );
}

export async function runDlqCommand(argv: readonly string[], out: (line: string) => void, brokers = process.env.KAFKA_BROKERS || DEFAULT_BROKERS): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { from: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [command, topic] = positionals;
  if (values.help || !command) {
    out(HELP);
    return command || values.help ? 0 : 2;
  }
  const from = values.from === undefined ? 0 : Number(values.from);
  if (!Number.isInteger(from) || from < 0) throw new DeadLetterError(`--from must be an offset (a whole number >= 0), got ${values.from}`);
  const kafka = new Kafka({ clientId: 'dlq-cli', brokers: brokers.split(',').map((b) => b.trim()), logLevel: logLevel.NOTHING });
  if (command === 'list') {
    const topics = topic ? [asDlqTopic(topic)] : await listDlqTopics(kafka);
    let total = 0;
    for (const t of topics) {
      const letters = await readDeadLetters(kafka, t, from);
      total += letters.length;
      for (const l of letters) out(describe(l));
    }
    out(`${total} dead letter(s) in ${topics.length} DLQ topic(s)`);
    return 0;
  }
  if (command === 'replay') {
    if (!topic) throw new DeadLetterError('replay needs a topic: npm run dlq -- replay orders.created');
    const letters = await readDeadLetters(kafka, asDlqTopic(topic), from);
    for (const l of letters) out(`${values['dry-run'] ? 'would replay' : 'replaying'} ${describe(l)}`);
    const records = distinctRecords(letters).length;
    if (values['dry-run']) {
      out(`${letters.length} dead letter(s) of ${records} record(s) would be replayed (dry run: nothing published)`);
      return 0;
    }
    const sent = await replayDeadLetters(kafka, letters);
    out(`replayed ${letters.length} dead letter(s) of ${records} record(s): ${Object.entries(sent).map(([t, n]) => `${n} to ${t}`).join(', ') || 'none'}`);
    return 0;
  }
  throw new DeadLetterError(`unknown command ${command} (list or replay; see --help)`);
}

if (require.main === module) {
  runDlqCommand(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const where = e instanceof DeadLetterError ? '' : ` (broker ${process.env.KAFKA_BROKERS || DEFAULT_BROKERS}: is it running? set KAFKA_BROKERS)`;
      process.stderr.write(`dlq: ${e instanceof Error ? e.message : String(e)}${where}\n`);
      process.exit(e instanceof DeadLetterError || (e instanceof Error && e.name === 'TypeError') ? 2 : 1);
    },
  );
}
