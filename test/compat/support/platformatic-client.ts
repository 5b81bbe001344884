/**
 * Thin helpers over @platformatic/kafka for the compatibility suite: string serde, short
 * timeouts, and collecting messages from a consume stream with a deadline.
 */
import { Admin, Consumer, MessagesStream, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

export type StringConsumer = Consumer<string, string, string, string>;
export type StringStream = MessagesStream<string, string, string, string>;

export interface Received {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export class PlatformaticClients {
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(private readonly bootstrap: string) {}

  admin(): Admin {
    const admin = new Admin({ clientId: 'compat-admin', bootstrapBrokers: [this.bootstrap] });
    this.closers.push(() => admin.close());
    return admin;
  }

  producer(options: { idempotent?: boolean; transactionalId?: string } = {}): Producer<string, string, string, string> {
    const producer = new Producer({ clientId: 'compat-producer', bootstrapBrokers: [this.bootstrap], serializers: stringSerializers, acks: -1, ...options });
    this.closers.push(() => producer.close());
    return producer;
  }

  consumer(groupId: string): StringConsumer {
    const consumer = new Consumer({
      clientId: `compat-${groupId}`,
      groupId,
      bootstrapBrokers: [this.bootstrap],
      deserializers: stringDeserializers,
      sessionTimeout: 6_000,
      rebalanceTimeout: 6_000,
      heartbeatInterval: 300,
      maxWaitTime: 200,
    });
    this.closers.push(() => Promise.resolve(consumer.close(true)));
    return consumer;
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    this.closers.length = 0;
  }
}

/** Records every message a stream delivers (committing each when `commit`). */
export function track(stream: StringStream, commit = false): Received[] {
  const received: Received[] = [];
  stream.on('data', (m) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of m.headers) headers[k] = v;
    received.push({ partition: m.partition, offset: Number(m.offset), key: m.key, value: m.value, headers });
    if (commit) void m.commit();
  });
  return received;
}

/** Polls `predicate` until it holds or `timeoutMs` passes (then throws `what`). */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
