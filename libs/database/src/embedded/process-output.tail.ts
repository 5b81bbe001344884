import type { Readable } from 'node:stream';

/** Lines of a child's output kept for error messages. */
const DEFAULT_TAIL_LINES = 20;

/**
 * Reads a child's output streams line by line (so pipes never fill and block it), hands each
 * line to `onLine`, and keeps the last few for error messages.
 */
export class ProcessOutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly onLine: (line: string) => void = () => undefined, private readonly keep = DEFAULT_TAIL_LINES) {}

  /** Starts reading `stream` (stdout or stderr of a child). */
  follow(stream: Readable | null): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.add(line);
    });
    stream.on('end', () => {
      if (partial) this.add(partial);
      partial = '';
    });
    // A broken pipe must not become an unhandled 'error' event.
    stream.on('error', () => undefined);
  }

  /** The kept lines, or a note that there were none. */
  text(): string {
    return this.lines.length > 0 ? this.lines.join('\n') : '(no output)';
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
    this.onLine(line);
  }
}
