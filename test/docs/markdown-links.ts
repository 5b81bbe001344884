/**
 * Relative-link checking for the project's Markdown: finds the links of a document (outside code
 * blocks and code spans) and says which of them point nowhere. Pure functions apart from the
 * file-system reads in `checkLinks`; synchronous.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One link as written in a document. */
export interface MarkdownLink {
  /** 1-based line of the document. */
  line: number;
  target: string;
}

/** A link that does not resolve, with the reason. */
export interface BrokenLink extends MarkdownLink {
  file: string;
  reason: string;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const CODE_SPAN = /(`+)(?:(?!\1)[\s\S])*?\1/g;
/** `[text](target)` and `![alt](target)`; the target stops at whitespace or the closing parenthesis. */
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+["'(][^)]*)?\)/g;
/** `[label]: target` reference definitions. */
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
/** `#L12` or `#L12-L20` on a source file. */
const LINE_FRAGMENT = /^L(\d+)(?:-L?(\d+))?$/;
/** `file.ts:12` or `file.ts:12-20`. */
const LINE_SUFFIX = /^(.*?):(\d+)(?:-(\d+))?$/;

/** Lines of `markdown` with fenced code blocks blanked and code spans replaced by spaces. */
function proseLines(markdown: string): string[] {
  let inFence: string | null = null;
  return markdown.split(/\r?\n/).map((line) => {
    const fence = FENCE.exec(line);
    if (fence) {
      if (inFence === null) inFence = fence[1];
      else if (fence[1] === inFence) inFence = null;
      return '';
    }
    if (inFence !== null) return '';
    return line.replace(CODE_SPAN, (m) => ' '.repeat(m.length));
  });
}

/** Every link target in `markdown`, outside code, in document order. */
export function extractLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((text, i) => {
    const definition = REFERENCE_DEFINITION.exec(text);
    if (definition) links.push({ line: i + 1, target: unwrap(definition[1]) });
    for (const m of text.matchAll(INLINE_LINK)) links.push({ line: i + 1, target: unwrap(m[1]) });
  });
  return links;
}

function unwrap(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown document defines through its ATX headings (duplicates get -1, -2…). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence: string | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const fence = FENCE.exec(line);
    if (fence) {
      if (inFence === null) inFence = fence[1];
      else if (fence[1] === inFence) inFence = null;
      continue;
    }
    if (inFence !== null) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function lineCount(file: string): number {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).length;
}

function isFile(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isFile();
}

/**
 * Why `link` (written in `file`) does not resolve, or null when it does. External links
 * (a scheme such as https: or mailto:) are not checked.
 */
export function brokenReason(file: string, link: MarkdownLink): string | null {
  const { target } = link;
  if (target === '') return 'empty link target';
  if (EXTERNAL.test(target)) return null;
  const hash = target.indexOf('#');
  const rawPath = hash >= 0 ? target.slice(0, hash) : target;
  const fragment = hash >= 0 ? decodeURIComponent(target.slice(hash + 1)) : null;
  let resolved = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
  let wantedLine: number | null = null;
  if (!fs.existsSync(resolved)) {
    const suffix = LINE_SUFFIX.exec(resolved);
    if (suffix && isFile(suffix[1])) {
      resolved = suffix[1];
      wantedLine = Number(suffix[3] ?? suffix[2]);
    } else {
      return `no such file or directory: ${path.relative(process.cwd(), resolved) || resolved}`;
    }
  }
  if (fragment !== null && fragment !== '') {
    if (resolved.endsWith('.md')) {
      if (!headingAnchors(fs.readFileSync(resolved, 'utf8')).has(fragment)) return `no heading with anchor #${fragment}`;
    } else {
      const lines = LINE_FRAGMENT.exec(fragment);
      if (!lines) return `unsupported fragment #${fragment} on a non-Markdown file`;
      wantedLine = Number(lines[2] ?? lines[1]);
    }
  }
  if (wantedLine !== null) {
    if (!isFile(resolved)) return 'a line anchor on something that is not a file';
    const count = lineCount(resolved);
    if (wantedLine < 1 || wantedLine > count) return `line ${wantedLine} is beyond the file's ${count} lines`;
  }
  return null;
}

/** Every broken relative link of the given Markdown files. */
export function checkLinks(files: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const file of files) {
    for (const link of extractLinks(fs.readFileSync(file, 'utf8'))) {
      const reason = brokenReason(file, link);
      if (reason) broken.push({ file, ...link, reason });
    }
  }
  return broken;
}

/** Markdown files under `dir`, recursively, sorted. */
export function markdownFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.md')) out.push(full);
  }
  return out.sort();
}
