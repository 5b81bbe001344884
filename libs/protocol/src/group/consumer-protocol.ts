/**
 * Kafka's ConsumerProtocol payloads, the opaque bytes consumer group members exchange through
 * the coordinator (JoinGroup member metadata, SyncGroup member assignment). Byte layout (all
 * big-endian, classic non-flexible types), as kafkajs's AssignerProtocol writes it:
 *
 *   MemberMetadata   => version:int16 [topic:string] user_data:bytes
 *   MemberAssignment => version:int16 [topic:string [partition:int32]] user_data:bytes
 *
 * Decoders read the version 0 fields and ignore anything after them, so payloads from newer
 * clients (v1+ adds owned partitions, generation, rack) still decode.
 */

export interface MemberMetadata {
  version: number;
  topics: string[];
  userData: Buffer;
}

/** Partitions per topic, e.g. `{ 'orders': [0, 2], 'payments': [1] }`. */
export type Assignment = Record<string, number[]>;

export interface MemberAssignment {
  version: number;
  assignment: Assignment;
  userData: Buffer;
}

/** Thrown when a ConsumerProtocol payload is truncated or malformed. */
export class ConsumerProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

class ByteWriter {
  private readonly chunks: Buffer[] = [];

  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value, 0);
    this.chunks.push(b);
    return this;
  }

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value, 0);
    this.chunks.push(b);
    return this;
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.int16(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    this.chunks.push(value);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class ByteReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  remaining(): number {
    return this.buf.length - this.offset;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new ConsumerProtocolDecodeError('null string where a topic name was expected');
    this.need(length);
    const v = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  /** A null (-1 length) byte string reads as an empty buffer. */
  bytes(): Buffer {
    const length = this.int32();
    if (length < 0) return Buffer.alloc(0);
    this.need(length);
    const v = Buffer.from(this.buf.subarray(this.offset, this.offset + length));
    this.offset += length;
    return v;
  }

  array<T>(readItem: () => T): T[] {
    const count = this.int32();
    if (count < 0) return [];
    // Every item takes at least 2 bytes, so a bigger count is garbage, not a reason to loop.
    if (count * 2 > this.remaining()) {
      throw new ConsumerProtocolDecodeError(`array of ${count} items does not fit in ${this.remaining()} bytes`);
    }
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem());
    return items;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new ConsumerProtocolDecodeError(`needs ${n} bytes at ${this.offset}, only ${this.buf.length - this.offset} left`);
    }
  }
}

export const MemberMetadata = {
  encode({ version, topics, userData }: { version: number; topics: string[]; userData?: Buffer }): Buffer {
    const w = new ByteWriter().int16(version).int32(topics.length);
    for (const topic of topics) w.string(topic);
    return w.bytes(userData ?? Buffer.alloc(0)).toBuffer();
  },

  /** Throws ConsumerProtocolDecodeError on a truncated payload. */
  decode(buffer: Buffer): MemberMetadata {
    const r = new ByteReader(buffer);
    const version = r.int16();
    const topics = r.array(() => r.string());
    // v0 ends with user data; tolerate a payload that stops right after the topics.
    const userData = r.remaining() >= 4 ? r.bytes() : Buffer.alloc(0);
    return { version, topics, userData };
  },
};

export const MemberAssignment = {
  encode({ version, assignment, userData }: { version: number; assignment: Assignment; userData?: Buffer }): Buffer {
    const topics = Object.keys(assignment);
    const w = new ByteWriter().int16(version).int32(topics.length);
    for (const topic of topics) {
      const partitions = assignment[topic];
      w.string(topic).int32(partitions.length);
      for (const partition of partitions) w.int32(partition);
    }
    return w.bytes(userData ?? Buffer.alloc(0)).toBuffer();
  },

  /**
   * Returns null for an empty buffer (what a coordinator sends a member that the leader gave
   * nothing), as kafkajs does. Throws ConsumerProtocolDecodeError on a truncated payload.
   */
  decode(buffer: Buffer): MemberAssignment | null {
    if (buffer.length < 2) return null;
    const r = new ByteReader(buffer);
    const version = r.int16();
    const assignment: Assignment = Object.create(null) as Assignment;
    for (const { topic, partitions } of r.array(() => ({ topic: r.string(), partitions: r.array(() => r.int32()) }))) {
      assignment[topic] = partitions;
    }
    const userData = r.remaining() >= 4 ? r.bytes() : Buffer.alloc(0);
    return { version, assignment, userData };
  },
};
