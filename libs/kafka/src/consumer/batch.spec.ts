import { BatchAttributes, BatchLayout, encodeRecordBatch, writeInt64 } from '@peak/protocol';
import { FetchedBatch } from './batch';

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
});
