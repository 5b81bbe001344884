import { BrokerApi } from '@peak/protocol';
import { ByteReader } from '../codec/byte-reader';
import { ByteWriter } from '../codec/byte-writer';

/** What a handler knows about the request beyond its body. */
export interface RequestContext {
  broker: BrokerApi;
  clientId: string;
  clientHost: string;
  /** The address clients must use to reach this server (written into Metadata/FindCoordinator). */
  advertisedHost: string;
  advertisedPort: number;
  /** Every API this server serves, as ApiVersions advertises them. */
  supportedApis: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }>;
  /** Aborted when the connection closes, ending any long poll made for it. */
  signal: AbortSignal;
  /** Topic name ⇄ topic ID (Metadata v10+, Fetch v13+, CreateTopics v7+, DeleteTopics v6+). */
  topicIds: TopicIdLookup;
}

/** Resolves topic IDs (canonical UUID strings) both ways; undefined = no such topic. */
export interface TopicIdLookup {
  idOf(name: string): string | undefined;
  nameOf(id: string): string | undefined;
}

/**
 * One Kafka API over a range of versions: how to read its request, how to write its
 * response, and what to ask the broker in between.
 */
export interface ApiDefinition<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version using flexible encoding (compact types, tagged fields); omit if none served. */
  readonly firstFlexibleVersion?: number;
  decodeRequest(reader: ByteReader, version: number): Req;
  encodeResponse(writer: ByteWriter, version: number, response: Res): void;
  /** Runs the request; null means the client expects no response (Produce with acks=0). */
  handle(request: Req, context: RequestContext): Promise<Res | null>;
}

/** The type-erased form the registry stores; `process` decodes, handles and encodes. */
export interface RegisteredApi {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  isFlexible(version: number): boolean;
  /** Resolves to the encoded response body, or null when no response is due. */
  process(reader: ByteReader, version: number, context: RequestContext): Promise<ByteWriter | null>;
}

/** Wraps a typed definition for the registry. Decode errors throw synchronously. */
export function registerApi<Req, Res>(definition: ApiDefinition<Req, Res>): RegisteredApi {
  const flexibleFrom = definition.firstFlexibleVersion ?? Number.POSITIVE_INFINITY;
  return {
    apiKey: definition.apiKey,
    name: definition.name,
    minVersion: definition.minVersion,
    maxVersion: definition.maxVersion,
    isFlexible: (version) => version >= flexibleFrom,
    process(reader, version, context) {
      const request = definition.decodeRequest(reader, version);
      let handled: Promise<Res | null>;
      try {
        handled = definition.handle(request, context);
      } catch (error) {
        handled = Promise.reject(error);
      }
      return handled.then((response) => {
        if (response === null) return null;
        const writer = new ByteWriter(version >= flexibleFrom);
        definition.encodeResponse(writer, version, response);
        return writer;
      });
    },
  };
}
