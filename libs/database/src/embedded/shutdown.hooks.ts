import * as os from 'node:os';

/** Something that can be stopped gracefully (awaited) or told to stop right now (synchronous). */
export interface StoppableServer {
  stop(): Promise<void>;
  /** Asks the server to shut down without waiting; safe to call from a process 'exit' handler. */
  stopNow(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type HandledSignal = (typeof SIGNALS)[number];

const live = new Set<StoppableServer>();
let exitHooked = false;

function stopAllNow(): void {
  for (const server of live) server.stopNow();
}

function onSignal(signal: HandledSignal): void {
  // Someone else (e.g. Nest's shutdown hooks) handles it and will release the servers; if
  // they re-raise the signal once done, we are alone and finish the job.
  if (process.listenerCount(signal) > 1) return;
  const code = 128 + (os.constants.signals[signal] ?? 0);
  void Promise.allSettled([...live].map((s) => s.stop())).finally(() => process.exit(code));
}

const handlers: Record<HandledSignal, () => void> = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

/**
 * Registers a running server so it is not left behind: on process exit it is told to stop;
 * on SIGINT/SIGTERM with no other listener, every registered server is stopped and the process
 * exits with 128 + the signal number (what the signal would have done, after the cleanup).
 */
export function trackServer(server: StoppableServer): void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', stopAllNow);
  }
  if (live.size === 0) for (const s of SIGNALS) process.on(s, handlers[s]);
  live.add(server);
}

/** Forgets a server that has stopped; the signal listeners go with the last one. */
export function untrackServer(server: StoppableServer): void {
  if (!live.delete(server) || live.size > 0) return;
  for (const s of SIGNALS) process.removeListener(s, handlers[s]);
}
