import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  InvariantReport,
  LagEntry,
  OrderCounts,
  RunningStack,
  StackLauncher,
  StackSettings,
} from '../../../scripts/flash-sale/stack/stack.types';

/** How often the model's "consumers" take work off its queue. */
const MODEL_TICK_MS = 20;

/**
 * A stand-in stack for testing the simulation's own pieces (load generator, sampler,
 * dashboard, report) without booting the services: an HTTP intake that queues orders and
 * a processor draining the queue at the payment capacity. Its probe reads its own memory,
 * which is fine for a model; the real stack's probe reads PostgreSQL and the broker.
 */
export class ModelStackLauncher implements StackLauncher {
  async start(settings: StackSettings): Promise<RunningStack> {
    const queue: string[] = [];
    const status = new Map<string, 'PENDING' | 'CONFIRMED' | 'REJECTED'>();
    const counts: OrderCounts = { total: 0, confirmed: 0, rejected: 0, rejectedByReason: {}, paid: 0 };
    let seatsLeft = settings.seats;
    const direct = settings.mode === 'direct';
    let budget = 0;

    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/orders') {
          res.writeHead(404).end();
          return;
        }
        const orderId = randomUUID();
        status.set(orderId, 'PENDING');
        counts.total++;
        if (direct) {
          // Direct: the answer waits for the (capacity-limited) processing.
          queue.push(orderId);
          waiters.set(orderId, () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ orderId, status: status.get(orderId) })));
        } else {
          queue.push(orderId);
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ orderId, status: 'PENDING' }));
        }
      });
    });
    const waiters = new Map<string, () => void>();
    const processor = setInterval(() => {
      budget = Math.min(settings.payment.capacityPerSec, budget + (settings.payment.capacityPerSec * MODEL_TICK_MS) / 1000);
      while (budget >= 1 && queue.length > 0) {
        budget -= 1;
        const id = queue.shift()!;
        if (seatsLeft > 0) {
          seatsLeft--;
          status.set(id, 'CONFIRMED');
          counts.confirmed++;
          counts.paid++;
        } else {
          status.set(id, 'REJECTED');
          counts.rejected++;
          counts.rejectedByReason.SOLD_OUT = (counts.rejectedByReason.SOLD_OUT ?? 0) + 1;
        }
        waiters.get(id)?.();
        waiters.delete(id);
      }
    }, MODEL_TICK_MS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const partitions = settings.partitions;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      courseId: 'model-course',
      tokens: Array.from({ length: Math.min(settings.buyers, 100) }, (_, i) => `model-token-${i}`),
      probe: {
        orderCounts: async () => ({ ...counts, rejectedByReason: { ...counts.rejectedByReason } }),
        consumerLag: async (): Promise<LagEntry[]> =>
          direct
            ? []
            : Array.from({ length: partitions }, (_, p) => ({
                group: 'payment',
                topic: 'orders.created',
                partition: p,
                lag: Math.floor(queue.length / partitions) + (p < queue.length % partitions ? 1 : 0),
              })),
        invariants: async (receipts: readonly string[]): Promise<InvariantReport> => {
          const lost = receipts.filter((id) => status.get(id) !== 'CONFIRMED' && status.get(id) !== 'REJECTED');
          return {
            lost: lost.length,
            missing: receipts.filter((id) => !status.has(id)).length,
            oversold: Math.max(0, counts.confirmed - settings.seats),
            doubleCharged: 0,
            ordersOnBroker: direct ? 0 : counts.total,
            examples: lost.slice(0, 5),
          };
        },
      },
      stop: async () => {
        clearInterval(processor);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
}
