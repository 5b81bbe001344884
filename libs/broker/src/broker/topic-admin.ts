import {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  ErrorCode,
} from '@peak/protocol';
import { isValidTopicName } from './broker-options';
import { InvalidTopicConfigError, resolveLogConfig, TopicRegistry } from './topic-registry';
import { LogConfig } from '../storage/log-config';

type Result = { topic: string; errorCode: number; errorMessage: string | null };

/** CreateTopics, DeleteTopics and CreatePartitions on a single-node cluster. */
export class TopicAdmin {
  constructor(
    private readonly topics: TopicRegistry,
    private readonly defaults: { numPartitions: number; log: LogConfig },
    private readonly onDeleted: (topic: string) => Promise<void>,
  ) {}

  createTopics(request: CreateTopicsRequest): CreateTopicsResponse {
    const seen = new Set<string>();
    return {
      topics: request.topics.map(({ topic, numPartitions, replicationFactor, configs }): Result => {
        if (!isValidTopicName(topic)) return fail(topic, ErrorCode.INVALID_TOPIC_EXCEPTION, `Illegal topic name "${topic}"`);
        if (seen.has(topic)) return fail(topic, ErrorCode.INVALID_REQUEST, 'Topic listed twice in one request');
        seen.add(topic);
        if (this.topics.get(topic)) return fail(topic, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic "${topic}" already exists`);
        const partitions = numPartitions === -1 ? this.defaults.numPartitions : numPartitions;
        if (!Number.isInteger(partitions) || partitions < 1) return fail(topic, ErrorCode.INVALID_PARTITIONS, `Partitions must be at least 1, got ${numPartitions}`);
        if (replicationFactor !== -1 && replicationFactor !== 1) {
          return fail(topic, ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor ${replicationFactor} is larger than the 1 broker available`);
        }
        const overrides: Record<string, string> = {};
        for (const c of configs) if (c.value !== null) overrides[c.name] = c.value;
        try {
          resolveLogConfig(this.defaults.log, overrides);
        } catch (err) {
          if (err instanceof InvalidTopicConfigError) return fail(topic, ErrorCode.INVALID_CONFIG, err.message);
          throw err;
        }
        if (!request.validateOnly) this.topics.create(topic, partitions, overrides);
        return { topic, errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    };
  }

  async deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    const topics: DeleteTopicsResponse['topics'] = [];
    for (const topic of request.topics) {
      if (!this.topics.get(topic)) {
        topics.push({ topic, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
        continue;
      }
      await this.topics.delete(topic);
      await this.onDeleted(topic);
      topics.push({ topic, errorCode: ErrorCode.NONE });
    }
    return { topics };
  }

  createPartitions(request: CreatePartitionsRequest): CreatePartitionsResponse {
    return {
      topics: request.topics.map(({ topic, count }): Result => {
        const existing = this.topics.get(topic);
        if (!existing) return fail(topic, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic "${topic}" does not exist`);
        if (!Number.isInteger(count) || count <= existing.partitions.length) {
          return fail(topic, ErrorCode.INVALID_PARTITIONS, `Topic has ${existing.partitions.length} partitions; the new count must be larger, got ${count}`);
        }
        if (!request.validateOnly) this.topics.addPartitions(existing, count);
        return { topic, errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    };
  }
}

function fail(topic: string, errorCode: number, errorMessage: string): Result {
  return { topic, errorCode, errorMessage };
}
