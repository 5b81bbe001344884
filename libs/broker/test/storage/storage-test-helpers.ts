import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeRecordBatches } from '@peak/protocol';
import { DEFAULT_LOG_CONFIG, LogConfig } from '../../src/storage/log-config';

export { batchOf } from '../storage-conformance';

/** A fresh temp directory; remove it with removeDir in afterEach. */
export function makeTempDir(prefix = 'peak-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function testConfig(over: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, retentionMs: -1, ...over };
}

/** Offsets of every record in a read result (empty for null). */
export function offsetsOf(buf: Buffer | null): number[] {
  if (!buf) return [];
  return decodeRecordBatches(buf).flatMap((b) => b.records.map((r) => r.offset));
}
