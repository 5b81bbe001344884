import { Socket } from 'node:net';
import { ApiRegistry } from '../apis/api-registry';
import { RequestContext } from '../apis/api-definition.types';
import { encodeUnsupportedApiVersionsResponse } from '../apis/api-versions/api-versions.api';
import { ByteReader } from '../codec/byte-reader';
import { ByteWriter } from '../codec/byte-writer';
import { ApiKey } from '../protocol/api-keys';
import { peekHeader, readRequestHeader } from '../protocol/request-header';
import { FrameParser } from './frame-parser';
import { ResponseOutcome, ResponseQueue } from './response-queue';
import { WireServerLogger } from './wire-server.options';

export interface WireConnectionConfig {
  registry: ApiRegistry;
  baseContext: Omit<RequestContext, 'clientId' | 'clientHost' | 'signal'>;
  maxRequestBytes: number;
  maxInFlight: number;
  logger: WireServerLogger;
  stats: WireServerStats;
}

/** Counters shared by a server's connections (monotonic; read them, never reset). */
export interface WireServerStats {
  /** Frames taken off the wire and looked at. */
  framesReceived: number;
  /** Requests decoded and handed to the broker. */
  requestsHandled: number;
  /** Connections closed because of what a client sent or a broker failure. */
  connectionsRejected: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * One client connection: frames in, requests dispatched to the broker in arrival order,
 * responses out in the same order (gathered into one corked write per batch).
 *
 * Anything that cannot be answered in its request's shape (garbage, a truncated body, an
 * unknown API key or version) closes this connection once the responses before it are
 * written; other connections are unaffected. Closing aborts this connection's long polls.
 */
export class WireConnection {
  private readonly parser: FrameParser;
  private readonly queue = new ResponseQueue();
  private readonly abort = new AbortController();
  private readonly clientHost: string;
  private closed = false;
  /** Set once a request must close the connection: nothing after it is read or run. */
  private stopped = false;
  private readPaused = false;

  constructor(
    private readonly socket: Socket,
    private readonly config: WireConnectionConfig,
  ) {
    this.parser = new FrameParser(config.maxRequestBytes);
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateReading());
    socket.on('error', (error) => config.logger.debug?.(`connection ${this.clientHost}: ${describe(error)}`));
    socket.on('close', () => this.shutdown());
  }

  /** Closes the connection at once, abandoning outstanding responses. */
  destroy(): void {
    this.shutdown();
    this.socket.destroy();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.stopped) return;
    const { frames, error } = this.parser.push(chunk);
    for (const frame of frames) {
      if (this.stopped) break;
      this.dispatch(frame);
    }
    if (error && !this.stopped) this.stopAfter(this.queue.take(), describe(error));
    this.flush();
  }

  /** Closes the connection when `slot`'s turn comes; requests after it are ignored. */
  private stopAfter(slot: { fill(outcome: ResponseOutcome): void }, reason: string): void {
    this.stopped = true;
    slot.fill({ kind: 'close', reason });
  }

  private dispatch(frame: Buffer): void {
    this.config.stats.framesReceived++;
    const slot = this.queue.take();
    const { apiKey, apiVersion, correlationId } = peekHeader(frame);
    const api = this.config.registry.get(apiKey);
    if (apiKey === ApiKey.ApiVersions && !this.config.registry.supports(apiKey, apiVersion)) {
      const writer = new ByteWriter();
      encodeUnsupportedApiVersionsResponse(writer);
      slot.fill(this.frameResponse(correlationId, false, writer));
      return;
    }
    if (api === undefined || !this.config.registry.supports(apiKey, apiVersion)) {
      this.stopAfter(slot, `unsupported API key ${apiKey} version ${apiVersion}`);
      return;
    }
    const flexible = api.isFlexible(apiVersion);
    let pending: Promise<ByteWriter | null>;
    try {
      const reader = new ByteReader(frame);
      const header = readRequestHeader(reader, flexible);
      const context: RequestContext = {
        ...this.config.baseContext,
        clientId: header.clientId ?? '',
        clientHost: this.clientHost,
        signal: this.abort.signal,
      };
      pending = api.process(reader, apiVersion, context);
      this.config.stats.requestsHandled++;
    } catch (error) {
      this.stopAfter(slot, `bad ${api.name} v${apiVersion} request: ${describe(error)}`);
      return;
    }
    // ApiVersions answers with a v0 response header whatever its version.
    const flexibleHeader = flexible && apiKey !== ApiKey.ApiVersions;
    pending.then(
      (writer) => {
        slot.fill(writer === null ? { kind: 'none' } : this.frameResponse(correlationId, flexibleHeader, writer));
        this.flush();
      },
      (error: unknown) => {
        slot.fill({ kind: 'close', reason: `${api.name} v${apiVersion} failed: ${describe(error)}` });
        this.flush();
      },
    );
  }

  /** Size prefix + response header (correlation id, tagged fields if flexible) + body. */
  private frameResponse(correlationId: number, flexibleHeader: boolean, body: ByteWriter): ResponseOutcome {
    const headerSize = flexibleHeader ? 9 : 8;
    const head = Buffer.allocUnsafe(headerSize);
    head.writeInt32BE(headerSize - 4 + body.length, 0);
    head.writeInt32BE(correlationId, 4);
    if (flexibleHeader) head[8] = 0; // empty tagged fields
    return { kind: 'send', chunks: [head, ...body.toChunks()] };
  }

  private flush(): void {
    if (this.closed) return;
    const ready = this.queue.drain();
    if (ready.length > 0) {
      this.socket.cork();
      for (const outcome of ready) {
        if (outcome.kind === 'send') {
          for (const chunk of outcome.chunks) this.socket.write(chunk);
        } else if (outcome.kind === 'close') {
          this.config.logger.warn(`closing connection ${this.clientHost}: ${outcome.reason}`);
          this.config.stats.connectionsRejected++;
          this.socket.uncork();
          this.shutdown();
          this.socket.end();
          return;
        }
      }
      this.socket.uncork();
    }
    this.updateReading();
  }

  /** Stops reading while too many requests are outstanding or the socket's buffer is full. */
  private updateReading(): void {
    if (this.closed || this.stopped) return;
    const busy = this.queue.size >= this.config.maxInFlight || this.socket.writableNeedDrain;
    if (busy && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    } else if (!busy && this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }
}
