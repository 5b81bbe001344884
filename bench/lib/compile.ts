/**
 * Compiles the libraries a benchmark child needs to plain JavaScript (with @swc/core, path
 * aliases rewritten to relative requires), so memory figures measure the broker, not the
 * TypeScript loader (which alone adds ~75 MB of RSS).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = resolve(__dirname, '../..');
const SOURCES = ['libs/protocol/src', 'libs/broker/src', 'libs/kafka/src', 'libs/wire/src', 'bench/lib'];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* tsFiles(full);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) yield full;
  }
}

/** Returns the output directory; `<out>/bench/lib/x.js` is the compiled `bench/lib/x.ts`. */
export function compileForBench(outDir: string): string {
  for (const src of SOURCES) {
    for (const file of tsFiles(join(ROOT, src))) {
      const { code } = transformFileSync(file, {
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
          baseUrl: ROOT,
          paths: {
            '@peak/protocol': ['libs/protocol/src'],
            '@peak/broker': ['libs/broker/src'],
            '@peak/kafka': ['libs/kafka/src'],
            '@peak/wire': ['libs/wire/src'],
          },
        },
        module: { type: 'commonjs' },
      });
      const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }
  }
  return outDir;
}
