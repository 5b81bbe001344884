import type { BrokerApi, MetadataResponse } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { ProducerEventNames, InstrumentationEmitter } from '../instrumentation';

/** A BrokerApi whose every method fails unless a test overrides it. */
export function fakeBroker(overrides: Partial<BrokerApi>): BrokerApi {
  return new Proxy(overrides as BrokerApi, {
    get: (target, method: string) => {
      const fn = (target as unknown as Record<string, unknown>)[method];
      if (fn) return fn;
      return () => Promise.reject(new Error(`unexpected call ${method}`));
    },
  });
}

/** Metadata for topics with `n` partitions each, all led by node 0. */
export function metadataFor(topics: Record<string, number>): MetadataResponse {
  return {
    brokers: [{ nodeId: 0, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'test',
    controllerId: 0,
    topics: Object.entries(topics).map(([topic, n]) => ({
      errorCode: 0,
      topic,
      isInternal: false,
      partitions: Array.from({ length: n }, (_, partition) => ({ errorCode: 0, partition, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] })),
    })),
  };
}

export function wire(broker: BrokerApi): { client: BrokerClient; cluster: Cluster; emitter: InstrumentationEmitter } {
  const emitter = new InstrumentationEmitter();
  const client = new BrokerClient(broker, { clientId: 'test', emitter, events: ProducerEventNames });
  return { client, cluster: new Cluster(client), emitter };
}
