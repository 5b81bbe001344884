import * as fs from 'node:fs';
import * as path from 'node:path';

/** Suffixes of the files a log directory holds. */
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
/** Appended to a file before it is unlinked, so a crash mid-delete leaves a name recovery removes. */
export const DELETED_SUFFIX = '.deleted';
export const SWAP_SUFFIX = '.swap';
export const TMP_SUFFIX = '.tmp';
/** Written on clean close, removed on open (as Kafka's .kafka_cleanshutdown). */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
/** Offset below which every segment is known to be on stable storage (decimal text). */
export const RECOVERY_POINT_FILE = 'recovery-point';

const OFFSET_DIGITS = 20;

/** `00000000000000000042` for base offset 42: names sort in offset order. */
export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(OFFSET_DIGITS, '0') + suffix;
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, segmentFileName(baseOffset, suffix));
}

/** The base offset a `<20 digits><suffix>` file name stands for, or null for other names. */
export function parseSegmentFileName(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix)) return null;
  const stem = name.slice(0, -suffix.length);
  if (stem.length !== OFFSET_DIGITS || !/^\d+$/.test(stem)) return null;
  return Number(stem);
}

/** Renames a file to `<name>.deleted` and unlinks it; a crash between the two leaves a name recovery removes. */
export function deleteCrashSafely(file: string): void {
  const doomed = file + DELETED_SUFFIX;
  try {
    fs.renameSync(file, doomed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  fs.unlinkSync(doomed);
}

/** Writes a small file atomically: temp file, fdatasync, rename over the old one, directory fsync (so the rename is durable). */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = file + TMP_SUFFIX;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDirectory(path.dirname(file));
}

/** fsyncs a directory off the event loop. */
export async function syncDirectoryAsync(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so creates, renames and unlinks in it are durable. */
export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads exactly `length` bytes at `position` into `buf` (from 0) unless the file ends first; returns bytes read. */
export function preadFully(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
