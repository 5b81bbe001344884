import type { TopicPartitions } from '../types/metadata.types';

/**
 * Which topics/partitions the user paused. A pause without partitions covers the whole
 * topic (including partitions assigned later), as in kafkajs.
 */
export class PauseState {
  private readonly wholeTopics = new Set<string>();
  private readonly partitions = new Map<string, Set<number>>();

  get isEmpty(): boolean {
    return this.wholeTopics.size === 0 && this.partitions.size === 0;
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions } of topics) {
      if (!partitions) {
        this.wholeTopics.add(topic);
        continue;
      }
      let set = this.partitions.get(topic);
      if (!set) this.partitions.set(topic, (set = new Set()));
      for (const p of partitions) set.add(p);
    }
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions } of topics) {
      if (!partitions) {
        this.wholeTopics.delete(topic);
        this.partitions.delete(topic);
        continue;
      }
      const set = this.partitions.get(topic);
      if (!set) continue;
      for (const p of partitions) set.delete(p);
      if (set.size === 0) this.partitions.delete(topic);
    }
  }

  isPaused(topic: string, partition: number): boolean {
    if (this.wholeTopics.has(topic)) return true;
    const set = this.partitions.get(topic);
    return set !== undefined && set.has(partition);
  }

  /** Paused partitions among `assignment` (kafkajs's consumer.paused()). */
  paused(assignment: Map<string, number[]>): TopicPartitions[] {
    const out: TopicPartitions[] = [];
    const topics = new Set([...this.wholeTopics, ...this.partitions.keys()]);
    for (const topic of topics) {
      const assigned = assignment.get(topic);
      const partitions = this.wholeTopics.has(topic)
        ? (assigned ?? [])
        : [...(this.partitions.get(topic) ?? [])].sort((a, b) => a - b);
      if (partitions.length > 0) out.push({ topic, partitions: [...partitions] });
    }
    return out;
  }
}
