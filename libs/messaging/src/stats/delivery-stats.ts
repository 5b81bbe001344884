import type { DeliveryOutcome } from '../server/peak-kafka.server';

export interface DeliveryCount {
  group: string;
  topic: string;
  result: DeliveryOutcome['result'];
  count: number;
}

/**
 * Counts consumer delivery outcomes (processed / retried / dead-lettered) per group and
 * topic, for metrics exporters to read. Single event loop; O(1) per delivery.
 */
export class DeliveryStats {
  private readonly counts = new Map<string, DeliveryCount>();

  record(outcome: DeliveryOutcome): void {
    const key = `${outcome.group}\u0000${outcome.topic}\u0000${outcome.result}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { group: outcome.group, topic: outcome.topic, result: outcome.result, count: 1 });
  }

  snapshot(): DeliveryCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }
}
