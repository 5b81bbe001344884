import type { FetchRequest } from '@peak/protocol';
import { OffsetManager } from './offset-manager';
import { PauseState } from './pause-state';

export interface FetchTargets {
  topics: FetchRequest['topics'];
  /** The position each partition was fetched at, by `topic|partition`. */
  positions: Map<string, number>;
}

/** What the next Fetch asks for: every assigned, unpaused partition with a position, at that position. */
export function fetchTargets(assignment: Map<string, number[]>, pauses: PauseState, offsets: OffsetManager, maxBytesPerPartition: number): FetchTargets {
  const positions = new Map<string, number>();
  const topics: FetchRequest['topics'] = [];
  for (const [topic, partitions] of assignment) {
    const entry = { topic, partitions: [] as FetchRequest['topics'][number]['partitions'] };
    for (const partition of partitions) {
      if (!pauses.isEmpty && pauses.isPaused(topic, partition)) continue;
      const position = offsets.position(topic, partition);
      if (position < 0) continue;
      positions.set(`${topic}|${partition}`, position);
      entry.partitions.push({ partition, fetchOffset: position, partitionMaxBytes: maxBytesPerPartition });
    }
    if (entry.partitions.length > 0) topics.push(entry);
  }
  return { topics, positions };
}
