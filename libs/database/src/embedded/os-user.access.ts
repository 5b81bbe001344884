import * as fs from 'node:fs';
import * as path from 'node:path';

/** An operating-system account a child process runs as (uid and primary gid). */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** What a user needs on a path: `search` (x on a directory), `read` (r), `execute` (x on a file). */
export type PathNeed = 'search' | 'read' | 'execute';

/** The first path that stops a user, and why. */
export interface BlockedPath {
  path: string;
  /** The permission the user lacks there. */
  lacks: PathNeed;
  mode: number;
  ownerUid: number;
  ownerGid: number;
}

const READ_BITS = 0o4;
const EXEC_BITS = 0o1;

/**
 * The permission bits (rwx, 0..7) that apply to `user` on a file: owner bits when the user owns
 * it, group bits when its group is the user's primary group, else the "other" bits. Supplementary
 * groups are ignored on purpose: Node drops them (setgroups(0)) when it spawns with a uid.
 * ACLs are not consulted.
 */
export function bitsFor(user: OsUser, stat: fs.Stats): number {
  if (stat.uid === user.uid) return (stat.mode >> 6) & 0o7;
  if (stat.gid === user.gid) return (stat.mode >> 3) & 0o7;
  return stat.mode & 0o7;
}

function lacking(user: OsUser, stat: fs.Stats, needs: readonly PathNeed[]): PathNeed | null {
  if (user.uid === 0) return null;
  const bits = bitsFor(user, stat);
  for (const need of needs) {
    const bit = need === 'read' ? READ_BITS : EXEC_BITS;
    if ((bits & bit) === 0) return need;
  }
  return null;
}

function blocked(p: string, stat: fs.Stats, lacks: PathNeed): BlockedPath {
  return { path: p, lacks, mode: stat.mode & 0o7777, ownerUid: stat.uid, ownerGid: stat.gid };
}

/**
 * The first directory on the way to `target` (from `/` down to its parent) that `user` may not
 * search, or null when every one lets it through. `target` itself is not checked; its parent
 * must exist. Decided from the modes, as the kernel would for a process running as `user`.
 */
export function findBlockedAncestor(target: string, user: OsUser): BlockedPath | null {
  const parents: string[] = [];
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    parents.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of parents) {
    const stat = fs.statSync(dir);
    const lacks = lacking(user, stat, ['search']);
    if (lacks) return blocked(dir, stat, lacks);
  }
  return null;
}

/**
 * The first path that stops `user` from using `target` with `needs` (its ancestors first, then
 * `target` itself), or null when nothing does.
 */
export function findBlockedPath(target: string, user: OsUser, needs: readonly PathNeed[]): BlockedPath | null {
  const ancestor = findBlockedAncestor(target, user);
  if (ancestor) return ancestor;
  const stat = fs.statSync(target);
  const lacks = lacking(user, stat, needs);
  return lacks ? blocked(path.resolve(target), stat, lacks) : null;
}

/**
 * The first entry of the tree under `root` (root included, symbolic links skipped) that `user`
 * cannot use as a program installation needs it: directories readable and searchable, files
 * readable, and executable when their owner may execute them.
 */
export function findBlockedInTree(root: string, user: OsUser): BlockedPath | null {
  const top = findBlockedPath(root, user, ['read', 'search']);
  if (top) return top;
  const pending = [path.resolve(root)];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      const p = path.join(dir, entry.name);
      const stat = fs.lstatSync(p);
      const needs: PathNeed[] = stat.isDirectory() ? ['read', 'search'] : (stat.mode & 0o100) !== 0 ? ['read', 'execute'] : ['read'];
      const lacks = lacking(user, stat, needs);
      if (lacks) return blocked(p, stat, lacks);
      if (stat.isDirectory()) pending.push(p);
    }
  }
  return null;
}

/** "/root is mode 0700 (owner uid 0, gid 0), which denies that user search permission". */
export function describeBlockedPath(b: BlockedPath): string {
  return `${b.path} is mode ${b.mode.toString(8).padStart(4, '0')} (owner uid ${b.ownerUid}, gid ${b.ownerGid}), which denies that user ${b.lacks} permission`;
}
