/**
 * Redis Streams (127.0.0.1:6379) with ioredis: XADD pipelined (`w.batch` commands per
 * pipeline, one connection per producer), read back by a consumer group (XREADGROUP COUNT
 * 1000, XACK of each batch's ids: the pending-entries list is Redis's acknowledgement
 * bookkeeping). Three durability classes, set with CONFIG SET for the run and restored after:
 * AOF `appendfsync always` (fsync in the event loop before replies are sent, one per loop
 * iteration: a group commit), `everysec`, and no AOF (the machine's default: nothing on disk).
 */
import Redis from 'ioredis';
import { Durability, PeerCase, PeerSession, Workload } from './peer.types';
import { ConsumeCounter, fillerMessage, measureLatency, runProducers, uniqueName, withDeadline } from './workload';
import { packageVersion } from '../lib/package-version';

const HOST = '127.0.0.1';
const PORT = 6379;
const READ_COUNT = 1000;
const BLOCK_MS = 100;
const AOF_READY_DEADLINE_MS = 30_000;
const IOREDIS_VERSION = packageVersion('ioredis');

type AofMode = 'always' | 'everysec' | 'off';

function connect(): Redis {
  return new Redis({ host: HOST, port: PORT, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
}

async function probe(): Promise<string | null> {
  const r = connect();
  try {
    await withDeadline(r.connect(), 2000, 'connect');
    await r.ping();
    return null;
  } catch (err) {
    return `Redis not reachable at ${HOST}:${PORT} (${(err as Error).message})`;
  } finally {
    r.disconnect();
  }
}

async function configGet(r: Redis, name: string): Promise<string> {
  const reply = (await r.config('GET', name)) as string[];
  return reply[1];
}

/** Enables or disables the AOF; with it enabled, waits (with a deadline) for the initial rewrite to finish. */
async function setAof(r: Redis, mode: AofMode): Promise<void> {
  if (mode === 'off') {
    await r.config('SET', 'appendonly', 'no');
    return;
  }
  await r.config('SET', 'appendfsync', mode);
  await r.config('SET', 'appendonly', 'yes');
  const deadline = Date.now() + AOF_READY_DEADLINE_MS;
  for (;;) {
    const info = await r.info('persistence');
    if (/aof_enabled:1/.test(info) && /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    if (Date.now() > deadline) throw new Error(`Redis AOF not ready after ${AOF_READY_DEADLINE_MS} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** XREADGROUP reply as Buffers: [[stream, [[id, [field, value, ...]], ...]]] or null. */
type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

async function readGroup(r: Redis, key: string, group: string, block: number | null): Promise<Array<[Buffer, Buffer[]]>> {
  const args: Array<string | number> = ['GROUP', group, 'c', 'COUNT', READ_COUNT];
  if (block !== null) args.push('BLOCK', block);
  const reply = (await r.callBuffer('XREADGROUP', ...args, 'STREAMS', key, '>')) as StreamReply;
  return reply?.[0]?.[1] ?? [];
}

function redisCase(mode: AofMode, durability: Durability, setting: string): PeerCase {
  return {
    id: `redis-${mode === 'off' ? 'noaof' : mode}`,
    system: 'Redis Streams',
    client: `ioredis ${IOREDIS_VERSION}`,
    durability,
    setting,
    unavailable: probe,
    async open(): Promise<PeerSession> {
      const admin = connect();
      await admin.connect();
      const saved = { appendonly: await configGet(admin, 'appendonly'), appendfsync: await configGet(admin, 'appendfsync') };
      const key = uniqueName('peers');
      const latencyKey = `${key}-latency`;
      const conns: Redis[] = [];
      const conn = async () => {
        const c = connect();
        await c.connect();
        conns.push(c);
        return c;
      };
      try {
        await setAof(admin, mode);
      } catch (err) {
        await admin.config('SET', 'appendfsync', saved.appendfsync);
        await admin.config('SET', 'appendonly', saved.appendonly);
        admin.disconnect();
        throw err;
      }
      return {
        async produce(w: Workload) {
          const producers = await Promise.all(Array.from({ length: w.producers }, conn));
          const value = fillerMessage(w.messageBytes);
          return runProducers(w, async (p, batch) => {
            const pipeline = producers[p].pipeline();
            for (let i = 0; i < batch; i++) pipeline.xadd(key, '*', 'v', value);
            const results = (await pipeline.exec()) ?? [];
            const failed = results.find(([err]) => err);
            if (failed) throw failed[0];
          });
        },

        async consume(messages: number) {
          const r = await conn();
          await r.xgroup('CREATE', key, 'g', '0');
          const counter = new ConsumeCounter(messages);
          while (counter.count < messages) {
            const entries = await readGroup(r, key, 'g', null);
            if (entries.length === 0) throw new Error(`Redis stream ended after ${counter.count} of ${messages} entries`);
            void r.xack(key, 'g', ...entries.map(([id]) => id));
            counter.add(entries.length);
          }
          await r.ping(); // the last XACK was answered
          return counter.done;
        },

        async latency(w: Workload) {
          const producer = await conn();
          return measureLatency(
            w,
            async (onValue) => {
              const r = await conn();
              await r.xgroup('CREATE', latencyKey, 'g', '0', 'MKSTREAM');
              let running = true;
              const loop = (async () => {
                while (running) {
                  const entries = await readGroup(r, latencyKey, 'g', BLOCK_MS);
                  for (const [, fields] of entries) onValue(fields[1]);
                  if (entries.length > 0) void r.xack(latencyKey, 'g', ...entries.map(([id]) => id));
                }
              })();
              return async () => {
                running = false;
                await loop;
              };
            },
            (value) => producer.xadd(latencyKey, '*', 'v', value),
          );
        },

        async close() {
          await admin.del(key, latencyKey);
          await admin.config('SET', 'appendfsync', saved.appendfsync);
          await admin.config('SET', 'appendonly', saved.appendonly);
          for (const c of conns) c.disconnect();
          admin.disconnect();
        },
      };
    },
  };
}

export function redisCases(): PeerCase[] {
  return [
    redisCase('always', 'fsync', 'AOF on, appendfsync always (one fsync per event-loop iteration: group commit)'),
    redisCase('everysec', 'fsync-1s', 'AOF on, appendfsync everysec'),
    redisCase('off', 'none', 'no AOF, no RDB snapshots (this machine keeps nothing on disk)'),
  ];
}
