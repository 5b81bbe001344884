import { ApiDefinition, RegisteredApi, registerApi } from './api-definition.types';
import { apiVersionsApi } from './api-versions/api-versions.api';
import { createPartitionsApi } from './create-partitions/create-partitions.api';
import { createTopicsApi } from './create-topics/create-topics.api';
import { deleteGroupsApi } from './delete-groups/delete-groups.api';
import { deleteTopicsApi } from './delete-topics/delete-topics.api';
import { describeClusterApi } from './describe-cluster/describe-cluster.api';
import { describeConfigsApi } from './describe-configs/describe-configs.api';
import { describeGroupsApi } from './describe-groups/describe-groups.api';
import { fetchApi } from './fetch/fetch.api';
import { findCoordinatorApi } from './find-coordinator/find-coordinator.api';
import { heartbeatApi } from './heartbeat/heartbeat.api';
import { initProducerIdApi } from './init-producer-id/init-producer-id.api';
import { joinGroupApi } from './join-group/join-group.api';
import { leaveGroupApi } from './leave-group/leave-group.api';
import { listGroupsApi } from './list-groups/list-groups.api';
import { listOffsetsApi } from './list-offsets/list-offsets.api';
import { metadataApi } from './metadata/metadata.api';
import { offsetCommitApi } from './offset-commit/offset-commit.api';
import { offsetFetchApi } from './offset-fetch/offset-fetch.api';
import { offsetForLeaderEpochApi } from './offset-for-leader-epoch/offset-for-leader-epoch.api';
import { produceApi } from './produce/produce.api';
import { syncGroupApi } from './sync-group/sync-group.api';

/**
 * API key → the one module serving it. ApiVersions advertises exactly these ranges, so a
 * client's negotiation (min of both sides' maxima) always lands on an implemented version.
 */
export class ApiRegistry {
  private readonly byKey = new Map<number, RegisteredApi>();

  constructor(apis: readonly RegisteredApi[]) {
    for (const api of apis) {
      if (this.byKey.has(api.apiKey)) throw new Error(`API key ${api.apiKey} registered twice`);
      this.byKey.set(api.apiKey, api);
    }
  }

  /** The module for `apiKey`, or undefined when the key is not served. */
  get(apiKey: number): RegisteredApi | undefined {
    return this.byKey.get(apiKey);
  }

  /** Whether `version` of `apiKey` is served. */
  supports(apiKey: number, version: number): boolean {
    const api = this.byKey.get(apiKey);
    return api !== undefined && version >= api.minVersion && version <= api.maxVersion;
  }

  /** Every served API with its version range, ordered by key. */
  ranges(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.byKey.values()]
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}

/** Every API this library implements, as typed definitions (codecs are usable on their own). */
export const API_DEFINITIONS: ReadonlyArray<ApiDefinition<unknown, unknown>> = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  apiVersionsApi,
  createTopicsApi,
  deleteTopicsApi,
  initProducerIdApi,
  createPartitionsApi,
  deleteGroupsApi,
  offsetForLeaderEpochApi,
  describeConfigsApi,
  describeClusterApi,
];

/** The registry of every API this library implements. */
export function createDefaultApiRegistry(): ApiRegistry {
  return new ApiRegistry(API_DEFINITIONS.map((definition) => registerApi(definition)));
}
