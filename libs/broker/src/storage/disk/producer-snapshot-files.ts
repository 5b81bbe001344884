import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProducerSnapshot } from '../storage.interface';
import { parseSegmentFileName, segmentFileName, writeFileAtomically } from './segment-files';

/** Producer-state snapshots are named by the offset they cover, as Kafka's `<offset>.snapshot`. */
export const SNAPSHOT_SUFFIX = '.snapshot';

/**
 * The newest snapshot in `dir` whose offset is at most `logEnd`; snapshots past the log end
 * (the log was cut by recovery after they were taken) are deleted, as Kafka does.
 */
export function loadProducerSnapshot(dir: string, logEnd: number): ProducerSnapshot | null {
  let best: number | null = null;
  for (const name of fs.readdirSync(dir)) {
    const offset = parseSegmentFileName(name, SNAPSHOT_SUFFIX);
    if (offset === null) continue;
    if (offset > logEnd) fs.rmSync(path.join(dir, name), { force: true });
    else if (best === null || offset > best) best = offset;
  }
  if (best === null) return null;
  return { offset: best, data: fs.readFileSync(path.join(dir, segmentFileName(best, SNAPSHOT_SUFFIX))) };
}

/** Writes `snapshot` atomically (temp file, fdatasync, rename, directory fsync), then deletes older ones. */
export function saveProducerSnapshot(dir: string, snapshot: ProducerSnapshot): void {
  writeFileAtomically(path.join(dir, segmentFileName(snapshot.offset, SNAPSHOT_SUFFIX)), snapshot.data.toString('utf8'));
  for (const name of fs.readdirSync(dir)) {
    const offset = parseSegmentFileName(name, SNAPSHOT_SUFFIX);
    if (offset !== null && offset < snapshot.offset) fs.rmSync(path.join(dir, name), { force: true });
  }
}
