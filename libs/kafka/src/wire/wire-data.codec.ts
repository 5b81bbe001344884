import type {
  FetchRequest,
  FetchResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
} from '@peak/protocol';
import type { ByteReader, ByteWriter } from '@peak/wire';

/*
 * Client side of the data APIs over the Kafka wire protocol: each request is written at one
 * fixed, non-flexible version and its response read at the same version (the field layouts
 * are those of Kafka's protocol guide; the server side is libs/wire/src/apis). The versions
 * are ones every Kafka broker since 2.4 and our KafkaWireServer serve.
 */

/** Request versions this client speaks. */
export const WireVersions = {
  Produce: 7,
  Fetch: 11,
  ListOffsets: 2,
  Metadata: 6,
  InitProducerId: 1,
} as const;

/** replica_id of a consumer (not a follower broker). */
const CONSUMER_REPLICA_ID = -1;
/** A full, sessionless fetch: session id 0, epoch -1. */
const NO_FETCH_SESSION = 0;
const FULL_FETCH_EPOCH = -1;
const NO_LEADER_EPOCH = -1;
const NO_LOG_START_OFFSET = -1;
const EMPTY_RECORDS = Buffer.alloc(0);

export function writeProduce(w: ByteWriter, r: ProduceRequest): void {
  w.nullableString(r.transactionalId).int16(r.acks).int32(r.timeoutMs);
  w.array(r.topics, (tw, t) => {
    tw.string(t.topic).array(t.partitions, (pw, p) => pw.int32(p.partition).nullableBytes(p.records));
  });
}

export function readProduce(r: ByteReader): ProduceResponse {
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({
      partition: p.int32(),
      errorCode: p.int16(),
      baseOffset: p.int64(),
      logAppendTimeMs: p.int64(),
      logStartOffset: p.int64(),
    })),
  }));
  return { topics, throttleTimeMs: r.int32() };
}

export function writeFetch(w: ByteWriter, r: FetchRequest): void {
  w.int32(CONSUMER_REPLICA_ID).int32(r.maxWaitMs).int32(r.minBytes).int32(r.maxBytes).int8(r.isolationLevel);
  w.int32(NO_FETCH_SESSION).int32(FULL_FETCH_EPOCH);
  w.array(r.topics, (tw, t) => {
    tw.string(t.topic).array(t.partitions, (pw, p) => {
      pw.int32(p.partition).int32(NO_LEADER_EPOCH).int64(p.fetchOffset).int64(NO_LOG_START_OFFSET).int32(p.partitionMaxBytes);
    });
  });
  w.array([], () => undefined); // forgotten_topics_data
  w.string(''); // rack_id
}

/** Record sets are views into the response frame, which nothing else reuses. */
export function readFetch(r: ByteReader): FetchResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  r.int32(); // session_id
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => {
      const partition = p.int32();
      const partitionError = p.int16();
      const highWatermark = p.int64();
      const lastStableOffset = p.int64();
      const logStartOffset = p.int64();
      p.nullableArray((a) => [a.int64(), a.int64()]); // aborted_transactions
      p.int32(); // preferred_read_replica
      const records = p.nullableBytes();
      return { partition, errorCode: partitionError, highWatermark, lastStableOffset, logStartOffset, records: records ?? EMPTY_RECORDS };
    }),
  }));
  return { throttleTimeMs, errorCode, topics };
}

export function writeListOffsets(w: ByteWriter, r: ListOffsetsRequest): void {
  w.int32(CONSUMER_REPLICA_ID).int8(r.isolationLevel);
  w.array(r.topics, (tw, t) => tw.string(t.topic).array(t.partitions, (pw, p) => pw.int32(p.partition).int64(p.timestamp)));
}

export function readListOffsets(r: ByteReader): ListOffsetsResponse {
  r.int32(); // throttle_time_ms
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), errorCode: p.int16(), timestamp: p.int64(), offset: p.int64() })),
  }));
  return { topics };
}

export function writeMetadata(w: ByteWriter, r: MetadataRequest): void {
  w.nullableArray(r.topics, (tw, t) => tw.string(t)).boolean(r.allowAutoTopicCreation);
}

export function readMetadata(r: ByteReader): MetadataResponse {
  r.int32(); // throttle_time_ms
  const brokers = r.array((b) => ({ nodeId: b.int32(), host: b.string(), port: b.int32(), rack: b.nullableString() }));
  const clusterId = r.nullableString() ?? '';
  const controllerId = r.int32();
  const topics = r.array((t) => ({
    errorCode: t.int16(),
    topic: t.string(),
    isInternal: t.boolean(),
    partitions: t.array((p) => ({
      errorCode: p.int16(),
      partition: p.int32(),
      leader: p.int32(),
      replicas: p.array((x) => x.int32()),
      isr: p.array((x) => x.int32()),
      offlineReplicas: p.array((x) => x.int32()),
    })),
  }));
  return { brokers, clusterId, controllerId, topics };
}

export function writeInitProducerId(w: ByteWriter, r: InitProducerIdRequest): void {
  w.nullableString(r.transactionalId).int32(r.transactionTimeoutMs);
}

export function readInitProducerId(r: ByteReader): InitProducerIdResponse {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16(), producerId: r.int64(), producerEpoch: r.int16() };
}
