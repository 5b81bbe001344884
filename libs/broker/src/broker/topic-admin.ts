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
import { InvalidTopicConfigError, resolveLogConfig, Topic, TopicRegistry } from './topic-registry';
import { LogConfig } from '../storage/log-config';
import { WorkSlicer } from './work-slicer';

/** POLICY_VIOLATION (44; in Kafka's error table, not among the shared ErrorCode constants). */
export const POLICY_VIOLATION = 44;

type Result = { topic: string; errorCode: number; errorMessage: string | null };

export interface TopicAdminSettings {
  numPartitions: number;
  log: LogConfig;
  maxPartitionsPerTopic: number;
  maxPartitions: number;
}

/**
 * CreateTopics, DeleteTopics and CreatePartitions on a single-node cluster, within the
 * partition limits: a count above maxPartitionsPerTopic is INVALID_PARTITIONS, one that
 * would take the broker past maxPartitions is POLICY_VIOLATION. Topics of one request are
 * created one after another, in slices (WorkSlicer), and answered once durable.
 */
export class TopicAdmin {
  constructor(
    private readonly topics: TopicRegistry,
    private readonly settings: TopicAdminSettings,
    private readonly onDeleted: (topic: string) => Promise<void>,
  ) {}

  /** The error for adding `added` partitions to a topic that would then have `total`, or null when allowed. */
  checkPartitionLimits(total: number, added: number): { errorCode: number; errorMessage: string } | null {
    const { maxPartitionsPerTopic, maxPartitions } = this.settings;
    if (total > maxPartitionsPerTopic) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `${total} partitions is more than the ${maxPartitionsPerTopic} a topic may have (maxPartitionsPerTopic)` };
    }
    const held = this.topics.partitionCount();
    if (held + added > maxPartitions) {
      return { errorCode: POLICY_VIOLATION, errorMessage: `The broker holds ${held} partitions; ${added} more would pass its limit of ${maxPartitions} (maxPartitions)` };
    }
    return null;
  }

  /** Topics are opened one after another; the request's new topics are then made durable together (one commit). */
  async createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    const seen = new Set<string>();
    const slicer = new WorkSlicer();
    const topics: Result[] = [];
    const opened: Array<{ result: Result; topic: Topic }> = [];
    for (const entry of request.topics) {
      const outcome = await this.createOne(entry, seen, request.validateOnly, slicer);
      topics.push(outcome.result);
      if (outcome.topic) opened.push({ result: outcome.result, topic: outcome.topic });
      await slicer.tick();
    }
    if (opened.length > 0) {
      try {
        await this.topics.commit(opened.map((o) => o.topic));
      } catch (err) {
        for (const { result } of opened) Object.assign(result, fail(result.topic, ErrorCode.KAFKA_STORAGE_ERROR, `Could not create the topic (rolled back): ${(err as Error).message}`));
      }
    }
    return { topics };
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

  async createPartitions(request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    const slicer = new WorkSlicer();
    const topics: Result[] = [];
    for (const { topic, count } of request.topics) {
      const existing = this.topics.get(topic);
      if (!existing) {
        topics.push(fail(topic, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic "${topic}" does not exist`));
        continue;
      }
      const current = existing.partitions.length;
      if (!Number.isInteger(count) || count <= current) {
        topics.push(fail(topic, ErrorCode.INVALID_PARTITIONS, `Topic has ${current} partitions; the new count must be larger, got ${count}`));
        continue;
      }
      const limited = this.checkPartitionLimits(count, count - current);
      if (limited) {
        topics.push(fail(topic, limited.errorCode, limited.errorMessage));
        continue;
      }
      if (!request.validateOnly) {
        try {
          await this.topics.addPartitions(existing, count, slicer);
        } catch (err) {
          topics.push(fail(topic, ErrorCode.KAFKA_STORAGE_ERROR, `Could not create the partitions: ${(err as Error).message}`));
          continue;
        }
      }
      topics.push({ topic, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    return { topics };
  }

  /** Validates one topic and, unless validateOnly, opens it (commit follows for the whole request). */
  private async createOne(entry: CreateTopicsRequest['topics'][number], seen: Set<string>, validateOnly: boolean, slicer: WorkSlicer): Promise<{ result: Result; topic?: Topic }> {
    const result = await this.openOne(entry, seen, validateOnly, slicer);
    return typeof result === 'object' && 'partitions' in result ? { result: { topic: entry.topic, errorCode: ErrorCode.NONE, errorMessage: null }, topic: result } : { result };
  }

  private async openOne(entry: CreateTopicsRequest['topics'][number], seen: Set<string>, validateOnly: boolean, slicer: WorkSlicer): Promise<Result | Topic> {
    const { topic, numPartitions, replicationFactor, configs } = entry;
    if (!isValidTopicName(topic)) return fail(topic, ErrorCode.INVALID_TOPIC_EXCEPTION, `Illegal topic name "${topic}"`);
    if (seen.has(topic)) return fail(topic, ErrorCode.INVALID_REQUEST, 'Topic listed twice in one request');
    seen.add(topic);
    if (this.topics.get(topic) || this.topics.creating(topic)) return fail(topic, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic "${topic}" already exists`);
    const partitions = numPartitions === -1 ? this.settings.numPartitions : numPartitions;
    if (!Number.isInteger(partitions) || partitions < 1) return fail(topic, ErrorCode.INVALID_PARTITIONS, `Partitions must be at least 1, got ${numPartitions}`);
    const limited = this.checkPartitionLimits(partitions, partitions);
    if (limited) return fail(topic, limited.errorCode, limited.errorMessage);
    if (replicationFactor !== -1 && replicationFactor !== 1) {
      return fail(topic, ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor ${replicationFactor} is larger than the 1 broker available`);
    }
    const overrides: Record<string, string> = {};
    for (const c of configs) if (c.value !== null) overrides[c.name] = c.value;
    try {
      resolveLogConfig(this.settings.log, overrides);
    } catch (err) {
      if (err instanceof InvalidTopicConfigError) return fail(topic, ErrorCode.INVALID_CONFIG, err.message);
      throw err;
    }
    if (validateOnly) return { topic, errorCode: ErrorCode.NONE, errorMessage: null };
    try {
      return await this.topics.open(topic, partitions, overrides, slicer);
    } catch (err) {
      return fail(topic, ErrorCode.KAFKA_STORAGE_ERROR, `Could not create the topic (rolled back): ${(err as Error).message}`);
    }
  }
}

function fail(topic: string, errorCode: number, errorMessage: string): Result {
  return { topic, errorCode, errorMessage };
}
