import { createConnection, Socket } from 'node:net';
import { ByteReader, ByteWriter } from '@peak/wire';

/** A response frame as read off the socket. */
export interface RawResponse {
  correlationId: number;
  /** Body after the correlation id (and after tagged fields for a flexible header: caller skips). */
  body: ByteReader;
  size: number;
}

/** Builds a request frame: size + v1 header (+ empty tags when flexible) + body. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  writeBody: (w: ByteWriter) => void = () => undefined,
  options: { flexible?: boolean; clientId?: string | null } = {},
): Buffer {
  const w = new ByteWriter().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(options.clientId ?? 'raw-test');
  if (options.flexible) w.emptyTaggedFields();
  writeBody(w);
  const body = w.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/**
 * A bare TCP client for server tests: writes raw bytes, collects size-prefixed response
 * frames, and lets a test await a number of responses or the server closing the socket.
 */
export class RawWireClient {
  readonly responses: RawResponse[] = [];
  private pending = Buffer.alloc(0) as Buffer;
  private closedFlag = false;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
        const size = this.pending.readInt32BE(0);
        const frame = this.pending.subarray(4, 4 + size);
        this.responses.push({ correlationId: frame.readInt32BE(0), body: new ByteReader(frame, 4), size });
        this.pending = this.pending.subarray(4 + size);
      }
      this.notify();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawWireClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(new RawWireClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${what} (${this.responses.length} responses, closed=${this.closedFlag})`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  waitForResponses(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.responses.length >= count, timeoutMs, `${count} responses`);
  }

  waitForClose(timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.closedFlag, timeoutMs, 'close');
  }

  close(): void {
    this.socket.destroy();
  }
}
