import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Descriptors this process holds (the broker runs in it): entries of /proc/self/fd. */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

let collect: (() => void) | null = null;

/** A full garbage collection, with or without --expose-gc (the flag can be set at run time). */
export function fullGc(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose_gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}

/** heapUsed in MiB after a full collection. */
export function heapUsedMbAfterGc(): number {
  fullGc();
  fullGc();
  return process.memoryUsage().heapUsed / (1 << 20);
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function pollUntil(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
