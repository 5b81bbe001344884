import { BatchAttributes, BatchLayout, CompressionCodec, crc32c, encodeRecordBatch, writeInt64 } from '@peak/protocol';
import { FetchedBatch } from './batch';
import { PartitionFetch } from './partition-fetch';

function stored(baseOffset: number, values: string[], control = false): Buffer {
  const batch = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), headers: { h: 'x' } })), { timestamp: 1000 });
  writeInt64(batch, BatchLayout.BASE_OFFSET, baseOffset);
  if (control) batch.writeInt16BE(batch.readInt16BE(BatchLayout.ATTRIBUTES) | BatchAttributes.CONTROL, BatchLayout.ATTRIBUTES);
  return batch;
}

describe('FetchedBatch', () => {
  it('decodes only when used, so a fetch over many partitions holds one partition\'s messages at a time', () => {
    const records = stored(0, ['a', 'b']);
    // Break the first record's length: decoding must fail, but only once messages are read.
    records[BatchLayout.HEADER_SIZE] = 0x7f;
    const batch = new FetchedBatch('t', 0, 0, 2, records);
    expect(() => batch.messages).toThrow();
  });

  it('answers offset questions before messages were read', () => {
    const batch = new FetchedBatch('t', 0, 1, 5, stored(0, ['a', 'b', 'c']));
    expect(batch.firstOffset()).toBe('1');
    expect(batch.lastOffset()).toBe('2');
    expect(batch.isEmptyIncludingFiltered()).toBe(false);
    expect(batch.messages.map((m) => m.offset)).toEqual(['1', '2']);
  });

  it('drops records below the fetch offset, including whole earlier batches', () => {
    const records = Buffer.concat([stored(0, ['a', 'b']), stored(2, ['c', 'd', 'e'])]);
    const batch = new FetchedBatch('t', 0, 3, 10, records);
    expect(batch.messages.map((m) => [m.offset, m.value?.toString()])).toEqual([['3', 'd'], ['4', 'e']]);
    expect(batch.firstOffset()).toBe('3');
    expect(batch.lastOffset()).toBe('4');
    expect(batch.highWatermark).toBe('10');
    expect(batch.offsetLag()).toBe('5');
    expect(batch.offsetLagLow()).toBe('6');
  });

  it('exposes kafkajs message fields (strings for offset and timestamp, Buffers, headers)', () => {
    const [m] = new FetchedBatch('t', 0, 0, 1, stored(0, ['a'])).messages;
    expect(m).toMatchObject({ offset: '0', timestamp: '1000', attributes: 0 });
    // A plain object, as kafkajs hands out: its keys in kafkajs's order, Object.prototype.
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(['magicByte', 'attributes', 'timestamp', 'offset', 'key', 'value', 'headers', 'isControlRecord', 'batchContext']);
    expect({ ...m }).toStrictEqual(m);
    expect(Buffer.isBuffer(m.value)).toBe(true);
    expect(m.key).toBeNull();
    expect(m.headers?.h?.toString()).toBe('x');
  });

  it('ignores a truncated last batch', () => {
    const whole = stored(0, ['a']);
    const next = stored(1, ['b', 'c']);
    const batch = new FetchedBatch('t', 0, 0, 3, Buffer.concat([whole, next.subarray(0, next.length - 5)]));
    expect(batch.messages.map((m) => m.offset)).toEqual(['0']);
  });

  it('hides control records but still covers their offsets', () => {
    const batch = new FetchedBatch('t', 0, 0, 3, Buffer.concat([stored(0, ['a']), stored(1, ['ctl'], true)]));
    expect(batch.messages.map((m) => m.offset)).toEqual(['0']);
    expect(batch.lastOffset()).toBe('1');
    const onlyControl = new FetchedBatch('t', 0, 1, 2, stored(1, ['ctl'], true));
    expect(onlyControl.isEmpty()).toBe(true);
    expect(onlyControl.isEmptyDueToFiltering()).toBe(true);
    expect(onlyControl.lastOffset()).toBe('1');
  });

  it('is empty with no records', () => {
    const batch = new FetchedBatch('t', 0, 5, 5, null);
    expect(batch.isEmpty()).toBe(true);
    expect(batch.firstOffset()).toBeNull();
    expect(batch.lastOffset()).toBe('4');
  });

  it('decodes gzip batches, repeated headers and keys like kafkajs', () => {
    const gz = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: { h: ['1', '2'], one: 'x' } }, { value: null }], { timestamp: 5, compression: CompressionCodec.GZIP });
    const [a, b] = new FetchedBatch('t', 0, 0, 2, gz).messages;
    expect(a.key?.toString()).toBe('k');
    expect(a.value?.toString()).toBe('v');
    expect((a.headers?.h as Buffer[]).map(String)).toEqual(['1', '2']);
    expect(String(a.headers?.one)).toBe('x');
    expect(b).toMatchObject({ offset: '1', key: null, value: null, headers: {} });
  });

  it('counts a compacted batch (offsets with gaps) from its records', () => {
    // Three records with offset deltas 0, 1, 2; rewrite the last delta to 4 and lastOffsetDelta to 4.
    const batch = stored(10, ['a', 'b', 'c']);
    // The last record's offsetDelta 2 (zig-zag 0x04), then key null (0x01), value length 1 (0x02), 'c'.
    const lastRecordDelta = batch.lastIndexOf(Buffer.from([0x04, 0x01, 0x02, 0x63]));
    expect(lastRecordDelta).toBeGreaterThan(0);
    batch[lastRecordDelta] = 0x08;
    batch.writeInt32BE(4, BatchLayout.LAST_OFFSET_DELTA);
    batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
    const fetched = new FetchedBatch('t', 0, 11, 15, batch);
    expect(fetched.messages.map((m) => m.offset)).toEqual(['11', '14']);
    expect(fetched.firstOffset()).toBe('11');
    expect(fetched.lastOffset()).toBe('14');
    expect(fetched.messageCount()).toBe(2);
  });

  it('reads one stored batch at a time for eachMessage, with numeric offsets', () => {
    const fetched = new FetchedBatch('t', 0, 1, 5, Buffer.concat([stored(0, ['a', 'b']), stored(2, ['c'])]));
    expect(fetched.storedBatchCount()).toBe(2);
    expect(fetched.messageCount()).toBe(2);
    const out: Array<{ offset: string }> = [];
    const numbers: number[] = [];
    fetched.readStoredBatch(0, out as never, numbers);
    expect(out.map((m) => m.offset)).toEqual(['1']);
    fetched.readStoredBatch(1, out as never, numbers);
    expect(numbers).toEqual([1, 2]);
  });

  it('splits a large fetch at stored-batch boundaries, leaving out batches below the fetch offset', () => {
    const parts = [stored(0, ['a']), stored(1, ['b']), stored(2, ['c']), stored(3, ['d'])];
    const records = Buffer.concat(parts);
    const offsetsOfParts = (fetch: PartitionFetch): string[][] => {
      const out: string[][] = [];
      for (let part = fetch.next(); part; part = fetch.next()) out.push(part.messages.map((m) => m.offset));
      return out;
    };
    expect(offsetsOfParts(new PartitionFetch('t', 0, 1, 4, records, parts[0].length * 2))).toEqual([['1', '2'], ['3']]);
    expect(offsetsOfParts(new PartitionFetch('t', 0, 0, 4, records, records.length))).toEqual([['0', '1', '2', '3']]);
  });
});
