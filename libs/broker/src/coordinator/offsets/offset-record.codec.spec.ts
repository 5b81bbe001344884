import { encodeOffsetRecord, OffsetLogRecord, OffsetRecordEncodeError, scanOffsetLog } from './offset-record.codec';

describe('offset record codec', () => {
  const records: OffsetLogRecord[] = [
    { type: 'commit', groupId: 'g', topic: 't', partition: 3, offset: 2 ** 40 + 5, commitTimestampMs: 1_700_000_000_123, metadata: null },
    { type: 'commit', groupId: 'g', topic: 't', partition: 0, offset: 0, commitTimestampMs: 0, metadata: 'm' },
    { type: 'deleteGroup', groupId: 'g2' },
    { type: 'deleteTopic', topic: 'old' },
  ];
  const log = Buffer.concat(records.map(encodeOffsetRecord));

  it('round-trips every record type', () => {
    expect(scanOffsetLog(log)).toEqual({ records, validBytes: log.length });
  });

  it('stops at a torn tail, keeping the valid prefix', () => {
    const firstTwo = encodeOffsetRecord(records[0]).length + encodeOffsetRecord(records[1]).length;
    for (let cut = firstTwo; cut < firstTwo + encodeOffsetRecord(records[2]).length; cut++) {
      expect(scanOffsetLog(log.subarray(0, cut))).toEqual({ records: records.slice(0, 2), validBytes: firstTwo });
    }
  });

  it('stops at a record whose CRC does not match', () => {
    const corrupt = Buffer.from(log);
    const first = encodeOffsetRecord(records[0]).length;
    corrupt[first + 12] ^= 0xff;
    expect(scanOffsetLog(corrupt)).toEqual({ records: records.slice(0, 1), validBytes: first });
  });

  it('stops at zero padding (a preallocated or zeroed tail)', () => {
    expect(scanOffsetLog(Buffer.concat([log, Buffer.alloc(64)])).validBytes).toBe(log.length);
  });

  it('refuses names longer than int16 allows', () => {
    expect(() => encodeOffsetRecord({ type: 'deleteGroup', groupId: 'x'.repeat(40_000) })).toThrow(OffsetRecordEncodeError);
  });
});
