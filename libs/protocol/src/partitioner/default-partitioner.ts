import { randomBytes } from 'node:crypto';
import { murmur2, toPositive } from './murmur2';

export interface PartitionerArgs {
  topic: string;
  /** Partition ids of the topic (all of them; embedded partitions are always available). */
  partitionMetadata: ReadonlyArray<{ partitionId: number; leader?: number }>;
  message: { key?: Buffer | string | null; partition?: number };
}

export type Partitioner = (args: PartitionerArgs) => number;

/**
 * The default partitioner of Kafka's Java client and kafkajs: keyed records go to
 * `toPositive(murmur2(key)) % numPartitions`; keyless ones round-robin from a random start.
 */
export function createDefaultPartitioner(): Partitioner {
  let counter = randomBytes(4).readUInt32BE(0);
  return ({ partitionMetadata, message }) => {
    const numPartitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) {
      const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key;
      return toPositive(murmur2(key)) % numPartitions;
    }
    counter = (counter + 1) >>> 0;
    return partitionMetadata[toPositive(counter) % numPartitions].partitionId;
  };
}
