import { startEmbeddedKafka } from '../kafka/embedded-kafka';
import type { EmbeddedKafka, EmbeddedKafkaOptions } from '../kafka/embedded-kafka.types';
import { EmbeddedPostgresOptions, startEmbeddedPostgres, TestPostgres } from '../postgres/embedded-postgres';

/** Time allowed to start or stop in the hooks (embedded PostgreSQL runs initdb on start). */
export const HOOK_TIMEOUT_MS = 60_000;

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/** jest's hooks, looked up when called (so this file builds without jest's types). */
function jestHooks(what: string): { beforeAll: Hook; afterAll: Hook } {
  const { beforeAll, afterAll } = globalThis as unknown as Partial<Record<'beforeAll' | 'afterAll', Hook>>;
  if (typeof beforeAll !== 'function' || typeof afterAll !== 'function') throw new Error(`${what} needs jest's beforeAll/afterAll globals: call it in a test file`);
  return { beforeAll, afterAll };
}

function useInHooks<T extends { stop(): Promise<void> }>(what: string, start: () => Promise<T>): () => T {
  const { beforeAll, afterAll } = jestHooks(what);
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await value?.stop();
  }, HOOK_TIMEOUT_MS);
  return () => {
    if (!value) throw new Error(`${what} is not running: call the getter inside a test or hook, after beforeAll`);
    return value;
  };
}

/**
 * Starts an embedded Kafka in beforeAll and stops it in afterAll of the enclosing describe
 * (or file); returns a getter to call inside tests: `const kafka = useEmbeddedKafka(); ... kafka().kafka.producer()`.
 */
export function useEmbeddedKafka(options?: EmbeddedKafkaOptions): () => EmbeddedKafka {
  return useInHooks('useEmbeddedKafka', () => startEmbeddedKafka(options));
}

/** Like useEmbeddedKafka, for startEmbeddedPostgres. */
export function useEmbeddedPostgres(options?: EmbeddedPostgresOptions): () => TestPostgres {
  return useInHooks('useEmbeddedPostgres', () => startEmbeddedPostgres(options));
}
