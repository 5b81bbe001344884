import { createHash } from 'node:crypto';
import { BrokerApi } from '@peak/protocol';
import { TopicIdLookup } from '../apis/api-definition.types';

/**
 * Topic IDs for the wire server: the broker's persistent ones when it has them
 * (`topicIdOf`/`topicNameOf`), otherwise IDs derived from the name (a SHA-256 of it shaped
 * as a version-8 UUID), remembered so they can be resolved back. Derived IDs are stable for
 * a name, so a topic deleted and re-created keeps its ID: acceptable only for brokers that
 * have none of their own. Not thread-safe (one per server, on the event loop).
 */
export function topicIdLookupFor(broker: BrokerApi): TopicIdLookup {
  const idOf = broker.topicIdOf?.bind(broker);
  const nameOf = broker.topicNameOf?.bind(broker);
  if (idOf !== undefined && nameOf !== undefined) return { idOf, nameOf };
  const derived = new Map<string, string>();
  return {
    idOf(name) {
      const id = derivedTopicId(name);
      derived.set(id, name);
      return id;
    },
    nameOf: (id) => derived.get(id.toLowerCase()),
  };
}

/** A UUID computed from a topic name (RFC 9562 version 8 layout, variant 10). */
export function derivedTopicId(name: string): string {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
