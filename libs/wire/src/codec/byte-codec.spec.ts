import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import { ProtocolDecodeError } from './codec.errors';

describe('ByteWriter / ByteReader', () => {
  it('writes fixed-width big-endian integers as Kafka does', () => {
    const bytes = new ByteWriter().int8(-1).int16(0x0102).int32(-2).int64(2 ** 40 + 5).uint32(0xffffffff).toBuffer();
    expect(bytes.toString('hex')).toBe('ff' + '0102' + 'fffffffe' + '0000010000000005' + 'ffffffff');
    const r = new ByteReader(bytes);
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uint32()]).toEqual([-1, 0x0102, -2, 2 ** 40 + 5, 0xffffffff]);
    expect(r.remaining).toBe(0);
  });

  it('encodes zig-zag varints with the protocol guide vectors', () => {
    // 0 -> 00, -1 -> 01, 1 -> 02, -64 -> 7f, 64 -> 8001, 300 -> d804
    const bytes = new ByteWriter().varint(0).varint(-1).varint(1).varint(-64).varint(64).varint(300).toBuffer();
    expect(bytes.toString('hex')).toBe('0001027f8001d804');
    const r = new ByteReader(bytes);
    expect([0, 1, 2, 3, 4, 5].map(() => r.varint())).toEqual([0, -1, 1, -64, 64, 300]);
  });

  it('round-trips varlongs beyond 32 bits and unsigned varints', () => {
    const values = [0, -1, 2 ** 33, -(2 ** 40), Date.now()];
    const w = new ByteWriter();
    for (const v of values) w.varlong(v);
    w.uvarint(0).uvarint(127).uvarint(128).uvarint(2 ** 31);
    const r = new ByteReader(w.toBuffer());
    expect(values.map(() => r.varlong())).toEqual(values);
    expect([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()]).toEqual([0, 127, 128, 2 ** 31]);
  });

  it('writes strings, nullable strings, bytes and arrays in classic encoding', () => {
    const bytes = new ByteWriter()
      .string('ab')
      .nullableString(null)
      .bytes(Buffer.from([9]))
      .nullableBytes(null)
      .array([1, 2], (w, n) => w.int16(n))
      .nullableArray(null, (w, n: number) => w.int8(n))
      .toBuffer();
    expect(bytes.toString('hex')).toBe('00026162' + 'ffff' + '0000000109' + 'ffffffff' + '00000002' + '00010002' + 'ffffffff');
    const r = new ByteReader(bytes);
    expect(r.string()).toBe('ab');
    expect(r.nullableString()).toBeNull();
    expect(r.bytes()).toEqual(Buffer.from([9]));
    expect(r.nullableBytes()).toBeNull();
    expect(r.array((x) => x.int16())).toEqual([1, 2]);
    expect(r.nullableArray((x) => x.int8())).toBeNull();
  });

  it('writes compact (flexible) types with length + 1 and empty tagged fields', () => {
    const bytes = new ByteWriter()
      .compactString('ab')
      .compactNullableString(null)
      .compactBytes(Buffer.from([7]))
      .compactArray([5], (w, n) => w.int8(n))
      .emptyTaggedFields()
      .toBuffer();
    expect(bytes.toString('hex')).toBe('036162' + '00' + '0207' + '0205' + '00');
    const r = new ByteReader(bytes);
    expect(r.compactString()).toBe('ab');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactBytes()).toEqual(Buffer.from([7]));
    expect(r.compactArray((x) => x.int8())).toEqual([5]);
    expect(r.taggedFields().size).toBe(0);
  });

  it('reads tagged fields by tag and skips their bytes', () => {
    // two fields: tag 0 with 2 bytes, tag 5 with 1 byte, then an int8 after them
    const r = new ByteReader(Buffer.from('02' + '00' + '02' + 'abcd' + '05' + '01' + 'ee' + '7f', 'hex'));
    const tags = r.taggedFields();
    expect([...tags.keys()]).toEqual([0, 5]);
    expect(tags.get(0)).toEqual(Buffer.from('abcd', 'hex'));
    expect(r.int8()).toBe(0x7f);
  });

  it('keeps large byte fields by reference instead of copying them', () => {
    const big = Buffer.alloc(64 * 1024, 1);
    const chunks = new ByteWriter().int32(big.length).raw(big).int8(0).toChunks();
    expect(chunks).toContain(big);
    expect(Buffer.concat(chunks).length).toBe(4 + big.length + 1);
  });

  it('writes UUIDs as 16 bytes and reads them back in canonical form', () => {
    const id = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const bytes = new ByteWriter().uuid(id.toUpperCase()).toBuffer();
    expect(bytes.toString('hex')).toBe(id.replace(/-/g, ''));
    expect(new ByteReader(bytes).uuid()).toBe(id);
    expect(() => new ByteWriter().uuid('not-a-uuid')).toThrow(RangeError);
  });

  it('flex* methods write compact forms and tags when flexible, classic forms otherwise (KIP-482)', () => {
    const write = (w: ByteWriter) =>
      w.flexString('ab').flexNullableString(null).flexBytes(Buffer.from([9])).flexNullableBytes(null)
        .flexArray([1, 2], (x, n) => x.int16(n)).flexNullableArray(null, (x, n: number) => x.int8(n)).flexTags();
    expect(write(new ByteWriter(true)).toBuffer().toString('hex')).toBe('03' + '6162' + '00' + '0209' + '00' + '03' + '00010002' + '00' + '00');
    expect(write(new ByteWriter(false)).toBuffer().toString('hex')).toBe(
      '0002' + '6162' + 'ffff' + '00000001' + '09' + 'ffffffff' + '00000002' + '00010002' + 'ffffffff',
    );
    for (const flexible of [true, false]) {
      const r = new ByteReader(write(new ByteWriter(flexible)).toBuffer());
      r.flexible = flexible;
      expect(r.flexString()).toBe('ab');
      expect(r.flexNullableString()).toBeNull();
      expect([...r.flexBytes()]).toEqual([9]);
      expect(r.flexNullableBytes()).toBeNull();
      expect(r.flexArray((x) => x.int16())).toEqual([1, 2]);
      expect(r.flexNullableArray((x) => x.int8())).toBeNull();
      r.flexTags();
      expect(r.remaining).toBe(0);
    }
  });

  it('skips tagged fields it does not know, whatever their size', () => {
    const r = new ByteReader(Buffer.from('02' + '00' + '03' + 'aabbcc' + '05' + '00' + '07', 'hex'));
    r.flexible = true;
    r.flexTags();
    expect(r.int8()).toBe(7);
  });

  it('grows across many chunks without losing order', () => {
    const w = new ByteWriter();
    for (let i = 0; i < 10_000; i++) w.int32(i);
    const r = new ByteReader(w.toBuffer());
    for (let i = 0; i < 10_000; i++) expect(r.int32()).toBe(i);
  });

  it.each([
    ['a truncated int32', '000102', (r: ByteReader) => r.int32()],
    ['a string longer than the frame', '0005616263', (r: ByteReader) => r.string()],
    ['a negative string length', 'fffe', (r: ByteReader) => r.string()],
    ['a null where a STRING is required', 'ffff', (r: ByteReader) => r.string()],
    ['an array count larger than the frame', '7fffffff00', (r: ByteReader) => r.array((x) => x.int8())],
    ['a negative bytes length', 'fffffffe', (r: ByteReader) => r.bytes()],
    ['an unterminated varint', '808080808080', (r: ByteReader) => r.varint()],
    ['a compact array larger than the frame', 'ff7f', (r: ByteReader) => r.compactArray((x) => x.int8())],
  ])('rejects %s with ProtocolDecodeError', (_name, hex, read) => {
    expect(() => read(new ByteReader(Buffer.from(hex, 'hex')))).toThrow(ProtocolDecodeError);
  });
});
