/**
 * Every relative link in the documentation (docs/**, README.md, README.zh-CN.md) must point to a
 * file that exists; a `#heading` on a Markdown file must name one of its headings; a line anchor
 * (`file.ts#L12`, `file.ts:12`) must be within the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brokenReason, checkLinks, extractLinks, headingAnchors, headingSlug, markdownFilesUnder } from './markdown-links';

const ROOT = path.resolve(__dirname, '../..');
const TOP_LEVEL = ['README.md', 'README.zh-CN.md'];

function documentationFiles(): string[] {
  return [...TOP_LEVEL.map((f) => path.join(ROOT, f)), ...markdownFilesUnder(path.join(ROOT, 'docs'))];
}

describe('documentation links', () => {
  it('has the top-level READMEs and the English and Chinese teaching pages', () => {
    const relative = documentationFiles().filter((f) => fs.existsSync(f)).map((f) => path.relative(ROOT, f));
    expect(relative).toEqual(
      expect.arrayContaining([
        'README.md',
        'README.zh-CN.md',
        'docs/README.md',
        'docs/concepts.md',
        'docs/exercises.md',
        'docs/zh-CN/README.md',
        'docs/zh-CN/concepts.md',
        'docs/zh-CN/exercises.md',
      ]),
    );
  });

  it('has no broken relative link in docs/**/*.md, README.md or README.zh-CN.md', () => {
    const files = documentationFiles().filter((f) => fs.existsSync(f));
    const broken = checkLinks(files).map((b) => `${path.relative(ROOT, b.file)}:${b.line} (${b.target}): ${b.reason}`);
    expect(broken).toEqual([]);
  });

  it('checks a real number of links (the scan is not silently empty)', () => {
    const files = documentationFiles().filter((f) => fs.existsSync(f));
    const relativeLinks = files.flatMap((f) => extractLinks(fs.readFileSync(f, 'utf8'))).filter((l) => !/^[a-z]+:/i.test(l.target));
    expect(relativeLinks.length).toBeGreaterThan(100);
  });
});

describe('the link checker', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-links-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'a.ts'), 'one\ntwo\nthree\n');
    fs.writeFileSync(path.join(dir, 'other.md'), '# Other page\n\n## Lag: how it is computed\n\n## 消费者组（consumer group）\n\n## Lag: how it is computed\n');
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function brokenIn(markdown: string): string[] {
    const file = path.join(dir, 'page.md');
    fs.writeFileSync(file, markdown);
    return checkLinks([file]).map((b) => `${b.line} ${b.target}: ${b.reason}`);
  }

  it('names a link to a missing file with its line', () => {
    const broken = brokenIn('intro\n\nsee [the code](src/missing.ts) and [this](src/a.ts)\n');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^3 src\/missing\.ts: no such file/);
  });

  it('ignores links inside fenced code blocks and code spans, and external links', () => {
    expect(brokenIn('```\n[x](nowhere.md)\n```\n`[y](nowhere.md)` [z](https://example.com/a) [m](mailto:a@b.c)\n')).toEqual([]);
  });

  it('checks heading anchors of Markdown targets, including duplicates and Chinese headings', () => {
    expect(
      brokenIn('[a](other.md#lag-how-it-is-computed) [b](other.md#lag-how-it-is-computed-1) [c](other.md#消费者组consumer-group) [d](#top)\n\n# Top\n'),
    ).toEqual([]);
    expect(brokenIn('[a](other.md#lag)\n')).toEqual(['1 other.md#lag: no heading with anchor #lag']);
  });

  it('checks line anchors in both the #L and the path:line forms', () => {
    expect(brokenIn('[a](src/a.ts#L2) [b](src/a.ts#L1-L3) [c](src/a.ts:3)\n')).toEqual([]);
    expect(brokenIn('[a](src/a.ts#L40)\n[b](src/a.ts:41)\n')).toEqual([
      "1 src/a.ts#L40: line 40 is beyond the file's 4 lines",
      "2 src/a.ts:41: line 41 is beyond the file's 4 lines",
    ]);
  });

  it('reads reference definitions, angle-bracket targets and titles', () => {
    const links = extractLinks('[ref]: ./src/a.ts\n[x](<src/a b.ts> "title") ![img](pic.png)\n').map((l) => l.target);
    expect(links).toEqual(['./src/a.ts', 'src/a b.ts', 'pic.png']);
  });

  it('makes GitHub-style anchors', () => {
    expect(headingSlug("An order's life")).toBe('an-orders-life');
    expect(headingSlug('Consumer groups: point-to-point and publish/subscribe at once')).toBe('consumer-groups-point-to-point-and-publishsubscribe-at-once');
    expect(headingSlug('5. Replay a group from an offset')).toBe('5-replay-a-group-from-an-offset');
    expect(headingAnchors('# A\n```\n# not a heading\n```\n# A\n')).toEqual(new Set(['a', 'a-1']));
    expect(brokenReason(path.join(dir, 'page.md'), { line: 1, target: '' })).toBe('empty link target');
  });
});
