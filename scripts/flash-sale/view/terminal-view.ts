import { MultiBar, Presets, SingleBar } from 'cli-progress';
import type { Sample } from '../metrics/sample.types';

/**
 * The live terminal view: progress bars for accepted, processed (final), confirmed and
 * rejected, with current rates and consumer lag. Draws only on a TTY; elsewhere (CI, pipes)
 * it prints one plain progress line every PLAIN_LINE_EVERY_MS instead.
 */
export const PLAIN_LINE_EVERY_MS = 2_000;

export interface TerminalTotals {
  orders: number;
  seats: number;
}

export class TerminalView {
  private readonly multibar: MultiBar | null;
  private bars: Record<'accepted' | 'processed' | 'confirmed' | 'rejected' | 'status', SingleBar> | null = null;
  private lastPlainLine = 0;

  constructor(
    private readonly totals: TerminalTotals,
    private readonly write: (line: string) => void,
    tty: boolean = Boolean(process.stdout.isTTY),
  ) {
    this.multibar = tty
      ? new MultiBar(
          {
            format: ' {name} |{bar}| {value}/{total} {info}',
            barsize: 30,
            hideCursor: true,
            clearOnComplete: false,
            stopOnComplete: false,
            autopadding: true,
            fps: 8,
          },
          Presets.shades_classic,
        )
      : null;
  }

  start(mode: string): void {
    if (!this.multibar) {
      this.write(`[${mode}] burst started`);
      return;
    }
    const { orders, seats } = this.totals;
    const mk = (name: string, total: number): SingleBar => this.multibar!.create(total, 0, { name, info: '' });
    this.bars = {
      accepted: mk('accepted ', orders),
      processed: mk('processed', orders),
      confirmed: mk('confirmed', seats),
      rejected: mk('rejected ', orders),
      status: this.multibar.create(1, 0, { name: `${mode}`.padEnd(9), info: '' }, { format: ' {name} {info}' }),
    };
  }

  update(s: Sample): void {
    const lag = `lag ${s.totalLag}` + (Object.keys(s.lagByGroup).length ? ` (${Object.entries(s.lagByGroup).map(([g, v]) => `${g} ${v}`).join(', ')})` : '');
    if (this.bars) {
      this.bars.accepted.update(s.accepted, { info: `${s.intakeRate}/s  errors ${s.intakeErrors}  p99 ${s.latencyP99 ?? '-'} ms` });
      this.bars.processed.update(s.final, { info: `${s.processedRate}/s  ${formatStageRates(s)}` });
      this.bars.confirmed.update(s.confirmed, { info: '' });
      this.bars.rejected.update(s.rejected, { info: formatReasons(s.rejectedByReason) });
      this.bars.status.update(0, { info: `t=${s.t.toFixed(1)}s  sent ${s.sent}  ${lag}` });
      return;
    }
    const now = Date.now();
    if (now - this.lastPlainLine < PLAIN_LINE_EVERY_MS) return;
    this.lastPlainLine = now;
    this.write(
      `[${s.mode} t=${s.t.toFixed(1)}s] sent ${s.sent} accepted ${s.accepted} (${s.intakeRate}/s) errors ${s.intakeErrors} ` +
        `final ${s.final} (${s.processedRate}/s) confirmed ${s.confirmed} rejected ${s.rejected} ${lag}` +
        (formatStageRates(s) ? ` work ${formatStageRates(s)}` : ''),
    );
  }

  stop(): void {
    this.multibar?.stop();
    this.bars = null;
  }
}

/** Each downstream stage's work per second now, e.g. "auth 1500/s, payment 400/s" (unmeasured ones left out). */
export function formatStageRates(s: Sample): string {
  return Object.entries(s.stageRate ?? {})
    .filter((e): e is [string, number] => e[1] !== null && e[1] !== undefined)
    .map(([stage, r]) => `${stage} ${r}/s`)
    .join(', ');
}

export function formatReasons(byReason: Record<string, number>): string {
  return Object.entries(byReason)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
}
