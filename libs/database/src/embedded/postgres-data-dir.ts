import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import { bitsFor, findBlockedAncestor, OsUser } from './os-user.access';

/** PostgreSQL insists that only its owner may enter the data directory. */
const DATA_DIR_MODE = 0o700;
/** The file whose presence marks an initialised cluster. */
const CLUSTER_MARKER = 'PG_VERSION';

/** true when `dataDir` holds an initialised cluster. */
export function isInitialisedCluster(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, CLUSTER_MARKER));
}

/** The x bit of the class (owner, group, other) that decides for `user` on a directory. */
function searchBitFor(user: OsUser, stat: fs.Stats): number {
  if (stat.uid === user.uid) return 0o100;
  if (stat.gid === user.gid) return 0o010;
  return 0o001;
}

/**
 * Lets `user` search every directory above `dataDir` by adding the one x bit that decides for
 * it (for others: o+x, which lets them pass through, not list). Only called as root; each
 * change is reported through `log`.
 */
function openWayTo(dataDir: string, user: OsUser, log: (line: string) => void): void {
  for (let b = findBlockedAncestor(dataDir, user); b; b = findBlockedAncestor(dataDir, user)) {
    const stat = fs.statSync(b.path);
    fs.chmodSync(b.path, (stat.mode & 0o7777) | searchBitFor(user, stat));
    if ((bitsFor(user, fs.statSync(b.path)) & 0o1) === 0) {
      throw new EmbeddedPostgresError(`could not let user ${user.name} reach ${dataDir}: chmod of ${b.path} did not take`);
    }
    log(`made ${b.path} searchable (x) for user ${user.name}, which runs PostgreSQL, so it can reach its data dir ${dataDir}`);
  }
}

/**
 * Makes `dataDir` usable by the server: creates its parent; as root (`user` is who the server
 * runs as), opens the way to it for that user and creates the data dir owned by it (mode 0700)
 * unless a cluster is already there. An existing data dir owned by someone else is an error
 * naming the fix, since the server would not be allowed into it.
 */
export function prepareDataDir(dataDir: string, user: OsUser | null, log: (line: string) => void): void {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!user) return;
  openWayTo(dataDir, user, log);
  if (isInitialisedCluster(dataDir)) {
    const owner = fs.statSync(dataDir).uid;
    if (owner !== user.uid) {
      throw new EmbeddedPostgresError(
        `the PostgreSQL data dir ${dataDir} belongs to uid ${owner}, but PostgreSQL runs as user ${user.name} (uid ${user.uid}) when started as root; ` +
          `chown -R ${user.name}: ${dataDir}, or use another directory (EMBEDDED_PG_DIR)`,
      );
    }
    return;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chownSync(dataDir, user.uid, user.gid);
  fs.chmodSync(dataDir, DATA_DIR_MODE);
}
