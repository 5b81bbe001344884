import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSeatReleaseResponse } from '@peak/contracts/rpc';
import { DownstreamCallError } from './direct-intake.errors';
import { RpcHttpClient } from './rpc-http.client';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

/** A throwaway HTTP server on 127.0.0.1 counting its connections. */
async function serve(handler: Handler): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const json = (res: http.ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

describe(RpcHttpClient.name, () => {
  let client: RpcHttpClient;

  beforeEach(() => {
    client = new RpcHttpClient(2);
  });

  afterEach(() => {
    client.close();
  });

  it('sends JSON, checks the answer, and keeps the connection alive across calls', async () => {
    const seen: unknown[] = [];
    const srv = await serve((req, body, res) => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      json(res, 200, { released: true });
    });
    try {
      for (let i = 0; i < 10; i++) {
        await expect(client.post({ service: 'course-validation', baseUrl: `${srv.url}/` }, '/rpc/x', { orderId: `o-${i}` }, parseSeatReleaseResponse, 5_000)).resolves.toEqual({
          released: true,
        });
      }
      expect(seen[0]).toEqual({ method: 'POST', url: '/rpc/x', type: 'application/json', body: { orderId: 'o-0' } });
      expect(srv.connections()).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('opens at most its pool size of connections to one service; further calls wait in line', async () => {
    const held: http.ServerResponse[] = [];
    let arrived = 0;
    let notify: () => void = () => undefined;
    const srv = await serve((_req, _body, res) => {
      arrived += 1;
      held.push(res);
      notify();
    });
    try {
      const calls = Array.from({ length: 5 }, () => client.post({ service: 'payment', baseUrl: srv.url }, '/rpc/x', {}, parseSeatReleaseResponse, 5_000));
      await new Promise<void>((r) => {
        notify = () => arrived === 2 && r();
      });
      expect(srv.connections()).toBe(2);
      // Answer one at a time: each answer lets one queued call through on the freed socket.
      notify = () => undefined;
      while (held.length > 0 || arrived < 5) {
        const res = held.shift();
        if (res) json(res, 200, { released: false });
        else await new Promise<void>((r) => (notify = r));
      }
      await expect(Promise.all(calls)).resolves.toHaveLength(5);
      expect(srv.connections()).toBe(2);
    } finally {
      await srv.close();
    }
  });

  it('tells an unreachable service, an error answer, a 504 and an answer off the contract apart, naming the service', async () => {
    const srv = await serve((req, _body, res) => {
      if (req.url === '/missing') return json(res, 404, { statusCode: 404, message: 'Cannot POST /missing' });
      if (req.url === '/late') return json(res, 504, { statusCode: 504, message: 'deadline passed' });
      json(res, 200, { something: 'else' });
    });
    const url = srv.url;
    const call = (path: string, baseUrl = url) => client.post({ service: 'auth', baseUrl }, path, {}, parseSeatReleaseResponse, 5_000);
    const failureOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: DownstreamCallError) => `${e.name}:${e.service}:${e.failure}`,
      );
    try {
      expect(await failureOf(call('/missing'))).toBe('DownstreamCallError:auth:failed');
      await expect(call('/missing')).rejects.toThrow(/auth \(POST http:\/\/127\.0\.0\.1:\d+\/missing\) failed: answered 404/);
      expect(await failureOf(call('/late'))).toBe('DownstreamCallError:auth:deadline');
      expect(await failureOf(call('/other'))).toBe('DownstreamCallError:auth:failed');
      await expect(call('/other')).rejects.toThrow(/not the contract: property something should not exist/);
    } finally {
      await srv.close();
    }
    expect(await failureOf(call('/x', url))).toBe('DownstreamCallError:auth:unreachable');
  });

  it('gives up on a call with no answer within its timeout', async () => {
    const srv = await serve(() => undefined); // never answers
    try {
      const err = await client.post({ service: 'payment', baseUrl: srv.url }, '/rpc/x', {}, parseSeatReleaseResponse, 50).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DownstreamCallError);
      expect((err as DownstreamCallError).failure).toBe('timed-out');
    } finally {
      await srv.close();
    }
  });
});
