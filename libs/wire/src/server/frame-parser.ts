import { InvalidFrameError } from './wire-server.errors';

/** Bytes in Kafka's frame size prefix. */
export const SIZE_PREFIX_BYTES = 4;
/** The smallest body that holds a request header's fixed part (api key, version, correlation id). */
export const MIN_REQUEST_BYTES = 8;

/**
 * Cuts a TCP byte stream into size-prefixed Kafka frames.
 *
 * Chunks may hold part of a frame or many frames; a frame's bytes are joined once, when it
 * is complete (never re-concatenated per chunk, so large frames arriving in small pieces
 * cost linear time). A size below MIN_REQUEST_BYTES or above `maxFrameBytes` is reported
 * as an InvalidFrameError (after the complete frames before it) before any of its body is
 * buffered; the parser accepts nothing afterwards. One parser per connection.
 */
export class FrameParser {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being collected, or -1 while the size prefix is incomplete. */
  private frameSize = -1;
  private failure: InvalidFrameError | null = null;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes buffered towards the next frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds one chunk; returns every frame body (without its size prefix) it completed, and
   * the error that stopped parsing, if any.
   */
  push(chunk: Buffer): { frames: Buffer[]; error: InvalidFrameError | null } {
    const frames: Buffer[] = [];
    if (this.failure) return { frames, error: this.failure };
    let data = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.frameSize < 0 && this.pendingBytes < SIZE_PREFIX_BYTES) return { frames, error: null };
      if (this.frameSize >= 0 && this.pendingBytes < SIZE_PREFIX_BYTES + this.frameSize) return { frames, error: null };
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending.length = 0;
      this.pendingBytes = 0;
      this.frameSize = -1;
    }
    let pos = 0;
    while (data.length - pos >= SIZE_PREFIX_BYTES) {
      const size = data.readInt32BE(pos);
      this.failure = this.checkSize(size);
      if (this.failure) return { frames, error: this.failure };
      const end = pos + SIZE_PREFIX_BYTES + size;
      if (end > data.length) {
        this.frameSize = size;
        break;
      }
      frames.push(data.subarray(pos + SIZE_PREFIX_BYTES, end));
      pos = end;
    }
    if (pos < data.length) {
      this.pending.push(data.subarray(pos));
      this.pendingBytes = data.length - pos;
    }
    return { frames, error: null };
  }

  private checkSize(size: number): InvalidFrameError | null {
    if (size < MIN_REQUEST_BYTES) return new InvalidFrameError(`Frame size ${size} is below ${MIN_REQUEST_BYTES}`);
    if (size > this.maxFrameBytes) {
      return new InvalidFrameError(`Frame size ${size} exceeds the maximum of ${this.maxFrameBytes} bytes`);
    }
    return null;
  }
}
