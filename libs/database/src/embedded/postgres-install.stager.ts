import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import type { PostgresInstall } from './postgres-install.locator';

/** Name prefix of staged copies: `<prefix><version>-<fingerprint>`. */
export const STAGED_INSTALL_PREFIX = 'peak-embedded-postgres-';
/** Hex digits of the tree fingerprint in a staged copy's name. */
const FINGERPRINT_HEX_DIGITS = 12;
/** Modes of a staged copy: root may write, everyone may read (and run what was runnable). */
const STAGED_DIR_MODE = 0o755;
const STAGED_PROGRAM_MODE = 0o755;
const STAGED_FILE_MODE = 0o644;
/** Group- or other-writable bits: a staged copy with any of them is not trusted. */
const WRITABLE_BY_OTHERS = 0o022;
const STICKY_BIT = 0o1000;
/** Tries when other processes stage or replace the same copy at the same time. */
const STAGE_ATTEMPTS = 3;
/** Name marks of a copy being written and of one set aside to be deleted. */
const TEMP_MARK = '.tmp-';
const ASIDE_MARK = '.stale-';
/** A temp or set-aside copy this old was left by a process that died; it is removed. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

interface TreeEntry {
  rel: string;
  stat: fs.Stats;
  link?: string;
}

async function walk(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    for (const dirent of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, dirent.name);
      const full = path.join(root, child);
      const stat = await fsp.lstat(full);
      entries.push({ rel: child, stat, link: stat.isSymbolicLink() ? await fsp.readlink(full) : undefined });
      if (stat.isDirectory()) pending.push(child);
    }
  }
  return entries.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** One line per entry: kind, relative path, and size (files) or target (links). Modes excluded: staging normalises them. */
function manifestOf(entries: readonly TreeEntry[]): string {
  return entries
    .map((e) => {
      if (e.stat.isSymbolicLink()) return `l ${e.rel} ${e.link}`;
      if (e.stat.isDirectory()) return `d ${e.rel}`;
      return `f ${e.rel} ${e.stat.size}`;
    })
    .join('\n');
}

function isTrustedEntry(stat: fs.Stats): boolean {
  return stat.isSymbolicLink() || (stat.uid === 0 && (stat.mode & WRITABLE_BY_OTHERS) === 0);
}

type StageState = 'valid' | 'missing' | 'stale';

async function inspect(target: string, manifest: string): Promise<StageState> {
  let stat: fs.Stats;
  try {
    stat = await fsp.lstat(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  if (!stat.isDirectory() || !isTrustedEntry(stat)) {
    throw new EmbeddedPostgresError(
      `${target} is where the PostgreSQL binaries are staged, but it is not a directory that only root may write; remove it (rm -rf ${target}) and retry`,
    );
  }
  const entries = await walk(target);
  if (manifestOf(entries) !== manifest || !entries.every((e) => isTrustedEntry(e.stat))) return 'stale';
  return 'valid';
}

async function normaliseModes(root: string): Promise<void> {
  await fsp.chmod(root, STAGED_DIR_MODE);
  for (const e of await walk(root)) {
    if (e.stat.isSymbolicLink()) continue;
    const mode = e.stat.isDirectory() ? STAGED_DIR_MODE : (e.stat.mode & 0o100) !== 0 ? STAGED_PROGRAM_MODE : STAGED_FILE_MODE;
    await fsp.chmod(path.join(root, e.rel), mode);
  }
}

function checkStagingRoot(root: string): void {
  const stat = fs.statSync(root);
  const shared = (stat.mode & WRITABLE_BY_OTHERS) !== 0;
  if (stat.uid !== 0 || (shared && (stat.mode & STICKY_BIT) === 0)) {
    throw new EmbeddedPostgresError(
      `cannot stage the PostgreSQL binaries in ${root}: it must belong to root and, if others may write to it, have the sticky bit (like /tmp); set TMPDIR to such a directory`,
    );
  }
}

/** Writes a copy next to `target` and renames it into place; losing the rename to another process is fine. */
async function copyInto(source: string, target: string): Promise<void> {
  const temp = await fsp.mkdtemp(`${target}${TEMP_MARK}`);
  try {
    await fsp.cp(source, temp, { recursive: true, verbatimSymlinks: true, errorOnExist: false, force: true });
    await normaliseModes(temp);
    await fsp.rename(temp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
  } finally {
    await fsp.rm(temp, { recursive: true, force: true });
  }
}

async function moveAsideAndRemove(target: string): Promise<void> {
  const aside = `${target}${ASIDE_MARK}${randomBytes(4).toString('hex')}`;
  try {
    await fsp.rename(target, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await fsp.rm(aside, { recursive: true, force: true });
}

/** Temp and set-aside copies left by a process killed while staging (older than ABANDONED_AFTER_MS). */
async function removeAbandonedCopies(stagingRoot: string): Promise<void> {
  const now = Date.now();
  for (const name of await fsp.readdir(stagingRoot)) {
    if (!name.startsWith(STAGED_INSTALL_PREFIX) || !(name.includes(TEMP_MARK) || name.includes(ASIDE_MARK))) continue;
    const full = path.join(stagingRoot, name);
    const stat = await fsp.lstat(full).catch(() => null);
    if (stat?.isDirectory() && stat.uid === 0 && now - stat.mtimeMs > ABANDONED_AFTER_MS) await fsp.rm(full, { recursive: true, force: true });
  }
}

/**
 * A copy of `source` under `stagingRoot` that every user may read and run, owned by root,
 * named by version and a fingerprint of the tree, and reused while it matches the source
 * (same files, sizes and links; nothing writable by others). A new copy is written into a temp
 * dir and renamed into place, so a copy is either complete or absent; processes staging at the
 * same time all end up on the one that won the rename. A damaged copy is replaced. Needs root.
 */
export async function stagePostgresInstall(source: PostgresInstall, stagingRoot: string): Promise<PostgresInstall> {
  await fsp.mkdir(stagingRoot, { recursive: true, mode: STAGED_DIR_MODE });
  checkStagingRoot(stagingRoot);
  const manifest = manifestOf(await walk(source.dir));
  const fingerprint = createHash('sha256').update(manifest).digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
  const target = path.join(stagingRoot, `${STAGED_INSTALL_PREFIX}${source.version}-${fingerprint}`);
  await removeAbandonedCopies(stagingRoot);
  for (let attempt = 0; ; attempt += 1) {
    const state = await inspect(target, manifest);
    if (state === 'valid') return { dir: target, version: source.version };
    if (attempt === STAGE_ATTEMPTS) break;
    if (state === 'stale') await moveAsideAndRemove(target);
    await copyInto(source.dir, target);
  }
  throw new EmbeddedPostgresError(`could not stage the PostgreSQL binaries in ${target}: the copy kept changing under us (other processes?)`);
}
