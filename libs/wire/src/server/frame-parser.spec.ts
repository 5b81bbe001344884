import { FrameParser } from './frame-parser';
import { InvalidFrameError } from './wire-server.errors';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Buffer-aware comparison (jest's deep equality walks large buffers byte by byte). */
function expectFrames(actual: Buffer[], expected: Buffer[]): void {
  expect(actual.map((b) => b.length)).toEqual(expected.map((b) => b.length));
  expect(actual.every((b, i) => b.equals(expected[i]))).toBe(true);
}

describe(FrameParser.name, () => {
  const bodies = [Buffer.alloc(8, 1), Buffer.alloc(100, 2), Buffer.alloc(20_000, 3)];
  const stream = Buffer.concat(bodies.map(frame));

  it('returns every frame when many arrive in one chunk', () => {
    expectFrames(new FrameParser(1 << 20).push(stream).frames, bodies);
  });

  it('reassembles frames fed one byte at a time', () => {
    const parser = new FrameParser(1 << 20);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...parser.push(stream.subarray(i, i + 1)).frames);
    expectFrames(out, bodies);
    expect(parser.buffered).toBe(0);
  });

  it('handles chunk boundaries at every position of a split', () => {
    for (let cut = 1; cut < 140; cut++) {
      const parser = new FrameParser(1 << 20);
      const out = [...parser.push(stream.subarray(0, cut)).frames, ...parser.push(stream.subarray(cut)).frames];
      expectFrames(out, bodies);
    }
  });

  it('rejects a frame above the maximum before buffering its body', () => {
    const parser = new FrameParser(1000);
    const head = Buffer.alloc(4);
    head.writeInt32BE(1001);
    expect(parser.push(head).error).toBeInstanceOf(InvalidFrameError);
  });

  it('returns the complete frames before a bad size, then accepts nothing more', () => {
    const parser = new FrameParser(1000);
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    const result = parser.push(Buffer.concat([frame(bodies[0]), bad, frame(bodies[1])]));
    expectFrames(result.frames, [bodies[0]]);
    expect(result.error).toBeInstanceOf(InvalidFrameError);
    expect(parser.push(frame(bodies[1])).frames).toEqual([]);
  });

  it.each([-1, 0, 7])('rejects a size prefix of %d', (size) => {
    const head = Buffer.alloc(4);
    head.writeInt32BE(size);
    expect(new FrameParser(1000).push(head).error).toBeInstanceOf(InvalidFrameError);
  });
});
