import * as http from 'node:http';
import * as https from 'node:https';
import type { RpcParser } from '@peak/contracts/rpc';
import { DownstreamCallError, DownstreamService } from './direct-intake.errors';

/** Idle keep-alive sockets are closed before Fastify's keepAliveTimeout (72 s) closes them under us. */
const IDLE_SOCKET_TIMEOUT_MS = 60_000;
/** Longest error text quoted from an answer. */
const MAX_QUOTED_CHARS = 300;
/** Error codes meaning no connection was made (so nothing was sent). */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Where one call goes. */
export interface RpcTarget {
  service: DownstreamService;
  /** Base URL (`http://host:port`, maybe with a path prefix). */
  baseUrl: string;
}

/**
 * JSON-over-HTTP RPC client with pooled keep-alive connections (one node:http Agent per
 * scheme; at most `connectionsPerService` sockets per origin, further calls queue in the
 * agent, first in first out). Every answer is checked with the contract's parser. A call
 * that fails on a reused idle socket the server had just closed is sent once more: every
 * RPC here is idempotent per order. Safe for concurrent use.
 */
export class RpcHttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(connectionsPerService: number) {
    const options = { keepAlive: true, maxSockets: connectionsPerService, maxFreeSockets: connectionsPerService, scheduling: 'fifo' as const, timeout: IDLE_SOCKET_TIMEOUT_MS };
    this.httpAgent = new http.Agent(options);
    this.httpsAgent = new https.Agent(options);
  }

  /**
   * POSTs `body` as JSON to `target.baseUrl + path` and resolves the parsed answer. Rejects
   * with DownstreamCallError: `unreachable`, `failed` (non-2xx or not the contract),
   * `timed-out` (no answer within `timeoutMs`; the call is abandoned), `deadline` (504).
   */
  async post<T>(target: RpcTarget, path: string, body: unknown, parse: RpcParser<T>, timeoutMs: number): Promise<T> {
    const url = target.baseUrl.replace(/\/+$/, '') + path;
    const payload = Buffer.from(JSON.stringify(body));
    let answer: { status: number; text: string };
    try {
      answer = await this.send(url, payload, timeoutMs);
    } catch (err) {
      if (!(err instanceof RetryOnFreshSocket)) throw this.callError(target, url, err);
      try {
        answer = await this.send(url, payload, timeoutMs);
      } catch (again) {
        throw this.callError(target, url, again instanceof RetryOnFreshSocket ? again.cause : again);
      }
    }
    if (answer.status === 504) throw new DownstreamCallError(target.service, url, 'deadline', quote(answer.text));
    if (answer.status < 200 || answer.status >= 300) {
      throw new DownstreamCallError(target.service, url, 'failed', `answered ${answer.status}: ${quote(answer.text)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new DownstreamCallError(target.service, url, 'failed', `answered ${answer.status} with a body that is not JSON: ${quote(answer.text)}`);
    }
    const parsed = parse(json);
    if (!parsed.ok) throw new DownstreamCallError(target.service, url, 'failed', `answer is not the contract: ${parsed.message}`);
    return parsed.value;
  }

  /** Closes the pooled sockets (application shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private send(url: string, payload: Buffer, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json' },
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(timedOut ? new CallTimedOut(err) : err);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (timedOut) return reject(new CallTimedOut(err));
        // A keep-alive socket the server closed while idle: the request never reached it.
        if (req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return reject(new RetryOnFreshSocket(err));
        reject(err);
      });
      req.end(payload);
    });
  }

  private callError(target: RpcTarget, url: string, err: unknown): DownstreamCallError {
    if (err instanceof CallTimedOut) return new DownstreamCallError(target.service, url, 'timed-out', err.cause.message);
    const e = err as NodeJS.ErrnoException;
    const kind = e.code && NOT_CONNECTED.has(e.code) ? 'unreachable' : 'failed';
    return new DownstreamCallError(target.service, url, kind, e.message || e.code || String(err));
  }
}

class CallTimedOut extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
    this.name = this.constructor.name;
  }
}

class RetryOnFreshSocket extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
    this.name = this.constructor.name;
  }
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat || '(empty)';
}
