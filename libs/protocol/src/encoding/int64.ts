/**
 * int64 fields as JS numbers. Offsets, timestamps and producer ids stay far below 2^53,
 * and number arithmetic is much cheaper than BigInt on the hot path.
 */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 0x1_0000_0000 + buf.readUInt32BE(offset + 4);
}

export function writeInt64(buf: Buffer, offset: number, value: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, offset);
  buf.writeUInt32BE(value - hi * 0x1_0000_0000, offset + 4);
}
