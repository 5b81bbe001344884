import { openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApiKey, ByteWriter } from '@peak/wire';
import { RawWireClient, requestFrame } from '../../../libs/wire/test/support/raw-wire-client';

/** Metadata v1 naming no topics: the broker list only, so its cost does not grow with the case. */
const probeBody = (w: ByteWriter): void => void w.int32(0);
/** How long one probe answer may take before the probe gives up (the gap is then reported as this). */
const PROBE_ANSWER_TIMEOUT_MS = 60_000;

export interface ProbeFigures {
  /** Longest wall-clock time between two probe answers. */
  worstGapMs: number;
  /**
   * Longest gap less the time the OS left this thread runnable but not running (its run-queue
   * wait, /proc schedstat): what the broker (or the probe) held the event loop for.
   */
  worstHeldMs: number;
  answers: number;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The main thread's schedstat (Linux): "<ns on CPU> <ns runnable but waiting for a CPU> <slices>". */
const schedstat = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
const schedBuffer = Buffer.alloc(128);

/** Total time this thread has waited in the run queue, in ms (one pread). */
function runQueueWaitMs(): number {
  const n = readSync(schedstat, schedBuffer, 0, schedBuffer.length, 0);
  return Number(schedBuffer.toString('latin1', 0, n).split(' ')[1]) / 1e6;
}

/**
 * Another client of the broker under test: one connection that sends Metadata requests back
 * to back (the next as soon as the previous is answered) and records the longest time between
 * two answers, and that time less the thread's run-queue wait. A broker that stalls every connection while it works on one request shows here
 * as a gap as long as the stall.
 */
export class ProbeConnection {
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private worstGap = 0;
  private worstHeld = 0;
  private answers = 0;
  private failure: Error | null = null;

  private constructor(private readonly client: RawWireClient) {}

  static async start(port: number): Promise<ProbeConnection> {
    const probe = new ProbeConnection(await RawWireClient.connect(port));
    probe.loop = probe.run();
    return probe;
  }

  private async run(): Promise<void> {
    let last = performance.now();
    let waitedBefore = runQueueWaitMs();
    try {
      while (this.running) {
        const correlationId = (this.answers % 0x7fff_ffff) + 1;
        this.client.responses.length = 0; // keep nothing: the heap is compared after the case
        this.client.send(requestFrame(ApiKey.Metadata, 1, correlationId, probeBody, { clientId: 'probe' }));
        await this.client.waitForResponses(1, PROBE_ANSWER_TIMEOUT_MS);
        const now = performance.now();
        const waited = runQueueWaitMs();
        this.worstGap = Math.max(this.worstGap, now - last);
        // The part of the gap the broker could have caused: all of it but the time the OS kept
        // this (runnable) thread waiting for a CPU. Broker and probe share the event loop.
        this.worstHeld = Math.max(this.worstHeld, now - last - (waited - waitedBefore));
        waitedBefore = waited;
        last = now;
        this.answers++;
        if (this.client.responses[0].correlationId !== correlationId) throw new Error('probe answers out of order');
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Waits for the request in flight, closes the connection and returns the figures. */
  async stop(): Promise<ProbeFigures> {
    this.running = false;
    await this.loop;
    this.client.close();
    if (this.failure) throw this.failure;
    return { worstGapMs: round(this.worstGap), worstHeldMs: round(this.worstHeld), answers: this.answers };
  }
}
