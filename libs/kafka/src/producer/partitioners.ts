import { createDefaultPartitioner } from '@peak/protocol';
import type { ICustomPartitioner, PartitionerArgs } from '../types/config.types';

/**
 * The Java-compatible partitioner (murmur2 of the key, positive, modulo the partition
 * count; keyless messages round-robin), which kafkajs 2.x made its default.
 */
const javaCompatible: ICustomPartitioner = () => {
  const partition = createDefaultPartitioner();
  return (args: PartitionerArgs) =>
    partition({ topic: args.topic, partitionMetadata: args.partitionMetadata, message: { key: args.message.key, partition: args.message.partition } });
};

/**
 * kafkajs's partitioners by name. LegacyPartitioner is an alias of the Java-compatible one
 * here: kafkajs's legacy murmur2 variant is not reproduced (documented gap).
 */
export const Partitioners: {
  DefaultPartitioner: ICustomPartitioner;
  LegacyPartitioner: ICustomPartitioner;
  JavaCompatiblePartitioner: ICustomPartitioner;
} = {
  DefaultPartitioner: javaCompatible,
  LegacyPartitioner: javaCompatible,
  JavaCompatiblePartitioner: javaCompatible,
};
