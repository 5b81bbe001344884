import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli), the checksum Kafka puts in every RecordBatch v2.
 * Backed by @node-rs/crc32 (hardware CRC instructions where the CPU has them).
 */
export function crc32c(data: Buffer, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}
