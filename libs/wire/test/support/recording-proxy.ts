import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/** One size-prefixed frame seen by the proxy (body without its size prefix). */
export interface RecordedFrame {
  direction: 'request' | 'response';
  connection: number;
  body: Buffer;
}

function splitFrames(onFrame: (body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(Buffer.from(pending.subarray(4, 4 + size)));
      pending = pending.subarray(4 + size);
    }
  };
}

/**
 * A TCP proxy that forwards bytes unchanged and records every Kafka frame in both
 * directions: used to capture what real clients (kafkajs, kcat) put on the wire.
 */
export class RecordingProxy {
  readonly frames: RecordedFrame[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextConnection = 0;

  /** Where connections are forwarded; may be set after start() (before clients connect). */
  target: { host: string; port: number } | null = null;

  constructor() {
    this.server = createServer((client) => this.accept(client));
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const connection = this.nextConnection++;
    if (this.target === null) throw new Error('RecordingProxy has no target');
    const upstream = createConnection(this.target);
    this.sockets.add(client).add(upstream);
    client.on('data', splitFrames((body) => this.frames.push({ direction: 'request', connection, body })));
    upstream.on('data', splitFrames((body) => this.frames.push({ direction: 'response', connection, body })));
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', done).on('error', done);
    upstream.on('close', done).on('error', done);
  }
}
