import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBlockedInTree, findBlockedPath, OsUser } from './os-user.access';
import { ensurePostgresOsUser } from './postgres-os-user';

/** What the kernel decides for a process running as `user`. */
function kernelAllows(user: OsUser, flag: '-x' | '-r', target: string): boolean {
  return spawnSync('test', [flag, target], { uid: user.uid, gid: user.gid }).status === 0;
}

describe('findBlockedPath agrees with the kernel (as root, for the postgres user)', () => {
  let user: OsUser;
  let root: string;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error(`this spec checks access as another user and must run as root (uid is ${process.getuid?.()})`);
    user = await ensurePostgresOsUser();
    root = mkdtempSync(join(tmpdir(), 'peak-access-'));
    chmodSync(root, 0o755);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const modes = [0o700, 0o701, 0o710, 0o750, 0o705, 0o604];
  const owners = ['root', 'postgres'] as const;
  const groups = ['root', 'postgres'] as const;
  for (const mode of modes) {
    for (const owner of owners) {
      for (const group of groups) {
        it(`a dir of mode ${mode.toString(8)}, owner ${owner}, group ${group}`, () => {
          const dir = join(root, `${mode.toString(8)}-${owner}-${group}`);
          mkdirSync(dir);
          const file = join(dir, 'program');
          writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
          chownSync(dir, owner === 'root' ? 0 : user.uid, group === 'root' ? 0 : user.gid);
          chmodSync(dir, mode);
          const blocked = findBlockedPath(file, user, ['execute']);
          expect(blocked === null).toBe(kernelAllows(user, '-x', file));
          if (blocked) expect(blocked).toMatchObject({ path: dir, lacks: 'search', mode });
        });
      }
    }
  }

  it('findBlockedInTree names an unreadable file deep in a tree the user can otherwise use', () => {
    const tree = join(root, 'tree');
    mkdirSync(join(tree, 'lib', 'deep'), { recursive: true, mode: 0o755 });
    writeFileSync(join(tree, 'lib', 'ok.so'), 'x', { mode: 0o644 });
    expect(findBlockedInTree(tree, user)).toBeNull();
    const hidden = join(tree, 'lib', 'deep', 'hidden.so');
    writeFileSync(hidden, 'x', { mode: 0o600 });
    expect(findBlockedInTree(tree, user)).toMatchObject({ path: hidden, lacks: 'read' });
    expect(kernelAllows(user, '-r', hidden)).toBe(false);
  });
});
