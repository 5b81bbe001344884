import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { fetchFrom, recordsOf } from './broker-test-helpers';

function send(broker: EmbeddedBroker, producerId: number, seq: number) {
  const records = encodeRecordBatch([{ key: null, value: Buffer.from(`s${seq}`) }], { producerId, producerEpoch: 0, baseSequence: seq });
  return broker.produce({ transactionalId: null, acks: -1, timeoutMs: 1000, topics: [{ topic: 'p', partitions: [{ partition: 0, records }] }] }).then((r) => r.topics[0].partitions[0]);
}

describe('idempotent-producer state across a clean restart', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'pstate-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a snapshot at shutdown and still recognises a retried batch after the restart', async () => {
    broker = await EmbeddedBroker.start({ dataDir: dir });
    const pid = (await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000 })).producerId;
    for (let seq = 0; seq < 3; seq++) expect((await send(broker, pid, seq)).errorCode).toBe(ErrorCode.NONE);
    await broker.close();
    expect(fs.readdirSync(join(dir, 'logs', 'p-0')).filter((n) => n.endsWith('.snapshot'))).toEqual(['00000000000000000003.snapshot']);

    broker = await EmbeddedBroker.start({ dataDir: dir });
    expect(await send(broker, pid, 2)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2 });
    expect(await send(broker, pid, 3)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect(recordsOf((await fetchFrom(broker, 'p', 0)).records).map((r) => r.value)).toEqual(['s0', 's1', 's2', 's3']);
  });

  it('ignores (and removes) a snapshot that reaches past the log end, rebuilding from the log', async () => {
    broker = await EmbeddedBroker.start({ dataDir: dir });
    const pid = (await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000 })).producerId;
    for (let seq = 0; seq < 2; seq++) await send(broker, pid, seq);
    await broker.close();
    const partitionDir = join(dir, 'logs', 'p-0');
    fs.writeFileSync(join(partitionDir, '00000000000000000999.snapshot'), '{"version":1,"producers":[]}');

    broker = await EmbeddedBroker.start({ dataDir: dir });
    expect(fs.existsSync(join(partitionDir, '00000000000000000999.snapshot'))).toBe(false);
    expect(await send(broker, pid, 1)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1 });
    expect((await send(broker, pid, 5)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });
});
