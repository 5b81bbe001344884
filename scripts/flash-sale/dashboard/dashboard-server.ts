import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardEvent } from '../metrics/sample.types';
import { chartJsPath, dashboardScriptPath, figuresScriptPath, livePage } from './dashboard-page';

/** Keeps idle SSE connections (and proxies) from timing out. */
const SSE_KEEPALIVE_MS = 15_000;

/**
 * The live web dashboard: one page on 127.0.0.1 (a free port chosen by the OS), Chart.js
 * served from node_modules, samples pushed over Server-Sent Events. A browser that connects
 * late first receives every event published so far, so its charts start complete.
 * Single event loop; publish() never blocks on slow browsers (writes are buffered).
 */
export class DashboardServer {
  private readonly server: http.Server;
  private readonly clients = new Set<http.ServerResponse>();
  private readonly history: string[] = [];
  private readonly keepAlive: NodeJS.Timeout;
  private readonly assets: Record<string, { type: string; body: string }>;
  private port = 0;

  private constructor() {
    this.assets = {
      '/': { type: 'text/html; charset=utf-8', body: livePage() },
      '/chart.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(chartJsPath(), 'utf8') },
      '/figures.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(figuresScriptPath(), 'utf8') },
      '/dashboard.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(dashboardScriptPath(), 'utf8') },
    };
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
    this.keepAlive.unref();
  }

  /** Starts listening on 127.0.0.1 (port 0 = any free port). */
  static async start(port = 0): Promise<DashboardServer> {
    const d = new DashboardServer();
    await new Promise<void>((resolve, reject) => {
      d.server.once('error', reject);
      d.server.listen(port, '127.0.0.1', () => resolve());
    });
    d.port = (d.server.address() as AddressInfo).port;
    return d;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Number of browsers currently listening. */
  get listeners(): number {
    return this.clients.size;
  }

  publish(event: DashboardEvent | { type: 'done' }): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    this.history.push(frame);
    this.broadcast(frame);
  }

  /** Tells the browsers the simulation is over, then closes every connection and the server. */
  async close(): Promise<void> {
    this.publish({ type: 'done' });
    clearInterval(this.keepAlive);
    for (const c of this.clients) c.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private broadcast(frame: string): void {
    for (const c of this.clients) c.write(frame);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      for (const frame of this.history) res.write(frame);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
      return;
    }
    const asset = this.assets[path];
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
  }
}
