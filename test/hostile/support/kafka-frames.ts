import { ApiKey, ByteReader, ByteWriter } from '@peak/wire';
import { requestFrame } from '../../../libs/wire/test/support/raw-wire-client';

/** Request bodies and response readers for the few non-flexible versions the hostile suite sends. */

export interface TopicError {
  name: string;
  errorCode: number;
}

/** CreateTopics v0: one topic of `numPartitions` (int32, sent as is), replication 1. */
export function createTopicsV0(correlationId: number, topics: Array<{ name: string; numPartitions: number }>, timeoutMs = 60_000): Buffer {
  return requestFrame(ApiKey.CreateTopics, 0, correlationId, (w) => {
    w.array(topics, (tw, t) => void tw.string(t.name).int32(t.numPartitions).int16(1).int32(0).int32(0));
    w.int32(timeoutMs);
  });
}

/** DeleteTopics v0. */
export function deleteTopicsV0(correlationId: number, names: string[], timeoutMs = 60_000): Buffer {
  return requestFrame(ApiKey.DeleteTopics, 0, correlationId, (w) => void w.array(names, (tw, n) => void tw.string(n)).int32(timeoutMs));
}

/** CreateTopics v0 and DeleteTopics v0 answer the same shape: [name, error code]. */
export function readTopicErrorsV0(body: ByteReader): TopicError[] {
  return body.array((r) => ({ name: r.string(), errorCode: r.int16() }));
}

/** Metadata v1 naming `names` (null: every topic). */
export function metadataV1(correlationId: number, names: string[] | null): Buffer {
  return requestFrame(ApiKey.Metadata, 1, correlationId, (w) => {
    if (names === null) w.int32(-1);
    else w.array(names, (tw, n) => void tw.string(n));
  });
}

export interface MetadataTopicV1 extends TopicError {
  partitions: number;
}

export function readMetadataV1(body: ByteReader): MetadataTopicV1[] {
  body.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()]);
  body.int32(); // controller id
  return body.array((r) => {
    const errorCode = r.int16();
    const name = r.string();
    r.boolean();
    const partitions = r.array((p) => {
      p.int16();
      p.int32();
      p.int32();
      p.array((x) => x.int32());
      p.array((x) => x.int32());
      return 0;
    }).length;
    return { name, errorCode, partitions };
  });
}

/** Produce v3 of one batch to partition 0 of `topic`. */
export function produceV3(correlationId: number, topic: string, records: Buffer, acks = 1): Buffer {
  return requestFrame(ApiKey.Produce, 3, correlationId, (w: ByteWriter) =>
    w.nullableString(null).int16(acks).int32(5000).array([topic], (tw, t) => void tw.string(t).array([records], (pw, r) => void pw.int32(0).bytes(r))),
  );
}

/** The single partition's error code of a Produce v3 answer. */
export function readProduceV3ErrorCode(body: ByteReader): number {
  body.int32();
  body.string();
  body.int32();
  body.int32();
  return body.int16();
}

/** A size prefix of `size` followed by `body` (for frames that lie about their length). */
export function framed(size: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size);
  return Buffer.concat([prefix, body]);
}
