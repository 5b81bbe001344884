import { connect, Socket } from 'node:net';
import { ByteReader, ByteWriter } from '@peak/wire';
import { KafkaJSConnectionError } from '../errors';

/** Bytes in Kafka's frame size prefix. */
const SIZE_PREFIX_BYTES = 4;
/** A response body holds at least its correlation id. */
const MIN_RESPONSE_BYTES = 4;
/** Largest response accepted (a Fetch answer is bounded by the request's maxBytes). */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Gives up on a connection attempt after this long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface WireSocketOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
}

interface Waiting {
  resolve(body: ByteReader): void;
  reject(error: Error): void;
}

/**
 * One TCP connection to a Kafka broker speaking the wire protocol: size-prefixed request
 * frames (request header v1) out, responses matched back by correlation id. Requests may
 * be pipelined; the broker answers them in order. When the connection fails or closes,
 * every request still waiting rejects with a (retriable) KafkaJSConnectionError and the
 * socket is dead for good: open a new one. Not shared between threads.
 */
export class WireSocket {
  private readonly socket: Socket;
  private readonly waiting = new Map<number, Waiting>();
  private readonly ready: Promise<void>;
  private correlationId = 0;
  private failure: Error | null = null;
  /** Response bytes received towards the next frame. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private onDead: (() => void) | null = null;
  private everConnected = false;

  constructor(private readonly options: WireSocketOptions) {
    this.socket = connect({ host: options.host, port: options.port });
    this.socket.setNoDelay(true);
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`connection timeout after ${options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`)), options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        this.everConnected = true;
        resolve();
      });
      this.socket.once('close', () => {
        clearTimeout(timer);
        reject(this.failure ?? this.connectionError('connection closed'));
      });
    });
    this.ready.catch(() => undefined);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  /** Resolves once connected; rejects when the connection cannot be made. */
  connected(): Promise<void> {
    return this.ready;
  }

  /** False once the connection failed or was closed. */
  get alive(): boolean {
    return this.failure === null;
  }

  /** True once the TCP connection was established (even if it has died since). */
  get wasConnected(): boolean {
    return this.everConnected;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.waiting.size;
  }

  /** Calls `listener` once when the connection dies (at once if it is dead already). */
  whenDead(listener: () => void): void {
    if (this.failure) listener();
    else this.onDead = listener;
  }

  /**
   * Sends one request (header v1: api key, version, correlation id, client id; then the body
   * `writeBody` writes) and resolves with a reader over the response body after its header.
   * Without `expectResponse` (Produce with acks=0) it resolves with null once written.
   */
  request(apiKey: number, apiVersion: number, clientId: string | null, writeBody: (writer: ByteWriter) => void): Promise<ByteReader>;
  request(apiKey: number, apiVersion: number, clientId: string | null, writeBody: (writer: ByteWriter) => void, expectResponse: false): Promise<null>;
  request(apiKey: number, apiVersion: number, clientId: string | null, writeBody: (writer: ByteWriter) => void, expectResponse = true): Promise<ByteReader | null> {
    if (this.failure) return Promise.reject(this.connectionError(this.failure.message));
    const correlationId = this.correlationId;
    this.correlationId = (this.correlationId + 1) | 0;
    const writer = new ByteWriter();
    writer.int32(0); // size, patched below
    writer.int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId);
    writeBody(writer);
    const chunks = writer.toChunks();
    chunks[0].writeInt32BE(writer.length - SIZE_PREFIX_BYTES, 0);
    const write = () => {
      if (chunks.length === 1) {
        this.socket.write(chunks[0]);
      } else {
        this.socket.cork();
        for (const chunk of chunks) this.socket.write(chunk);
        this.socket.uncork();
      }
    };
    if (!expectResponse) {
      write();
      return Promise.resolve(null);
    }
    return new Promise<ByteReader>((resolve, reject) => {
      this.waiting.set(correlationId, { resolve, reject });
      write();
    });
  }

  /** Closes the connection; requests still waiting reject. */
  close(): void {
    this.fail(new Error('connection closed by the client'));
  }

  private onData(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < SIZE_PREFIX_BYTES) return;
      const size = this.frameSizeAt(this.pending[0].length >= SIZE_PREFIX_BYTES ? this.pending[0] : Buffer.concat(this.pending), 0);
      if (size < 0 || this.pendingBytes < SIZE_PREFIX_BYTES + size) return;
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let pos = 0;
    while (data.length - pos >= SIZE_PREFIX_BYTES) {
      const size = this.frameSizeAt(data, pos);
      if (size < 0) return;
      const end = pos + SIZE_PREFIX_BYTES + size;
      if (end > data.length) break;
      this.deliver(data, pos + SIZE_PREFIX_BYTES, end);
      pos = end;
    }
    if (pos < data.length) {
      this.pending = [data.subarray(pos)];
      this.pendingBytes = data.length - pos;
    }
  }

  /** The frame size at `pos`, or -1 after failing the connection on an impossible size. */
  private frameSizeAt(data: Buffer, pos: number): number {
    const size = data.readInt32BE(pos);
    if (size >= MIN_RESPONSE_BYTES && size <= MAX_RESPONSE_BYTES) return size;
    this.fail(new Error(`bad response frame size ${size}`));
    return -1;
  }

  private deliver(data: Buffer, start: number, end: number): void {
    const correlationId = data.readInt32BE(start);
    const waiter = this.waiting.get(correlationId);
    if (!waiter) {
      this.fail(new Error(`response to unknown correlation id ${correlationId}`));
      return;
    }
    this.waiting.delete(correlationId);
    waiter.resolve(new ByteReader(data, start + MIN_RESPONSE_BYTES, end));
  }

  private fail(cause: Error): void {
    if (this.failure) return;
    this.failure = cause;
    this.socket.destroy();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(this.connectionError(cause.message));
    const listener = this.onDead;
    this.onDead = null;
    listener?.();
  }

  private connectionError(message: string): KafkaJSConnectionError {
    return new KafkaJSConnectionError(`${this.options.host}:${this.options.port}: ${message}`, { broker: `${this.options.host}:${this.options.port}` });
  }
}
