import { encodeRecordBatch } from './record-batch.encoder';
import { batchSizeAt, decodeRecordBatch, decodeRecordBatches, readBatchHeader, validateBatch } from './record-batch.decoder';
import { BatchLayout, CompressionCodec } from './record-batch.layout';
import { CorruptRecordBatchError } from './record-batch.errors';

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkaJSDecoder = require('kafkajs/src/protocol/decoder');
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const { RecordBatch: kafkajsEncodeBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Long = require('kafkajs/src/utils/long');
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
/* eslint-enable @typescript-eslint/no-require-imports */

describe('RecordBatch v2', () => {
  const records = [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: { h: 'x', many: ['a', Buffer.from('b')] }, timestamp: 1_700_000_000_000 },
    { key: null, value: Buffer.from('second'), timestamp: 1_700_000_000_500 },
    { key: Buffer.from('k3'), value: null, timestamp: 1_699_999_999_000 },
  ];

  it('round-trips keys, values, nulls, repeated headers and timestamps', () => {
    const batch = encodeRecordBatch(records, { baseOffset: 42 });
    validateBatch(batch, 0, batch.length);
    const decoded = decodeRecordBatch(batch);
    expect(decoded.baseOffset).toBe(42);
    expect(decoded.recordsCount).toBe(3);
    expect(decoded.baseTimestamp).toBe(1_699_999_999_000);
    expect(decoded.maxTimestamp).toBe(1_700_000_000_500);
    expect(decoded.records.map((r) => r.offset)).toEqual([42, 43, 44]);
    expect(decoded.records.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
    expect(decoded.records[0].key?.toString()).toBe('k1');
    expect(decoded.records[0].headers.h.toString()).toBe('x');
    expect((decoded.records[0].headers.many as Buffer[]).map(String)).toEqual(['a', 'b']);
    expect(decoded.records[1].key).toBeNull();
    expect(decoded.records[2].value).toBeNull();
  });

  it('is read by kafkajs\'s own decoder (CRC and layout match Kafka)', async () => {
    const batch = encodeRecordBatch(records, { baseOffset: 7, producerId: 1000, producerEpoch: 2, baseSequence: 5 });
    const decoded = await kafkajsDecodeBatch(new KafkaJSDecoder(batch));
    expect(decoded.firstOffset).toBe('7');
    expect(decoded.producerId).toBe('1000');
    expect(decoded.firstSequence).toBe(5);
    expect(decoded.records.map((r: { value: Buffer | null }) => r.value?.toString() ?? null)).toEqual(['v1', 'second', null]);
  });

  it('decodes and validates a batch written by kafkajs\'s encoder, gzip included', async () => {
    const ts = 1_700_000_000_000;
    const kjsRecords = [0, 1].map((i) => kafkajsRecord({ offsetDelta: i, timestampDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: { n: `${i}` } }));
    for (const compression of [0, 1]) {
      const encoder = await kafkajsEncodeBatch({ compression, firstOffset: Long.fromInt(0), firstTimestamp: ts, maxTimestamp: ts + 1, lastOffsetDelta: 1, records: kjsRecords });
      const bytes: Buffer = encoder.buffer;
      validateBatch(bytes, 0, bytes.length);
      const decoded = decodeRecordBatch(bytes);
      expect(decoded.records.map((r) => [r.key?.toString(), r.value?.toString(), r.headers.n.toString(), r.timestamp])).toEqual([
        ['k0', 'v0', '0', ts],
        ['k1', 'v1', '1', ts + 1],
      ]);
    }
  });

  it('compresses with gzip and decodes back', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ value: Buffer.from(`value-${i}`.repeat(10)) }));
    const gz = encodeRecordBatch(many, { compression: CompressionCodec.GZIP });
    const plain = encodeRecordBatch(many);
    expect(gz.length).toBeLessThan(plain.length / 3);
    validateBatch(gz, 0, gz.length);
    expect(decodeRecordBatch(gz).records[199].value?.toString()).toBe('value-199'.repeat(10));
  });

  it('rejects a flipped byte with a CRC error and a bad magic by name', () => {
    const batch = encodeRecordBatch(records);
    const flipped = Buffer.from(batch);
    flipped[flipped.length - 3] ^= 0xff;
    expect(() => validateBatch(flipped, 0, flipped.length)).toThrow(/CRC mismatch/);
    const badMagic = Buffer.from(batch);
    badMagic[BatchLayout.MAGIC] = 1;
    expect(() => validateBatch(badMagic, 0, badMagic.length)).toThrow(CorruptRecordBatchError);
  });

  it('keeps the CRC valid when the broker rewrites baseOffset', () => {
    const batch = encodeRecordBatch(records);
    batch.writeInt32BE(0, 0);
    batch.writeInt32BE(123456, 4);
    validateBatch(batch, 0, batch.length);
    expect(readBatchHeader(batch).baseOffset).toBe(123456);
  });

  it('walks concatenated batches and stops at a truncated tail', () => {
    const a = encodeRecordBatch([{ value: Buffer.from('a') }], { baseOffset: 0 });
    const b = encodeRecordBatch([{ value: Buffer.from('b') }], { baseOffset: 1 });
    const joined = Buffer.concat([a, b, b.subarray(0, 20)]);
    expect(batchSizeAt(joined, 0)).toBe(a.length);
    expect(batchSizeAt(joined, a.length + b.length)).toBe(-1);
    expect(decodeRecordBatches(joined).map((x) => x.records[0].value?.toString())).toEqual(['a', 'b']);
  });

  it('handles large timestamp deltas (varlong beyond 2^31)', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('old'), timestamp: 1 }, { value: Buffer.from('new'), timestamp: 1_700_000_000_000 }]);
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([1, 1_700_000_000_000]);
  });
});
