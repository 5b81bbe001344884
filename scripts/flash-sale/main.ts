/**
 * `npm run flash-sale`: the flash-sale simulation. See `npm run flash-sale -- --help`.
 */
import { Logger } from '@nestjs/common';
import { EXIT_FAILED, runFlashSale } from './flash-sale';
import { helpText, OptionsError, parseOptions } from './options';
import { ProcessStackLauncher } from './stack/process-stack.launcher';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (e) {
    if (e instanceof OptionsError) {
      process.stderr.write(`flash-sale: ${e.message}\n`);
      return EXIT_FAILED;
    }
    throw e;
  }
  if (options.help) {
    process.stdout.write(helpText());
    return 0;
  }
  // The services' own start-up logs would drown the live view; warnings and errors still show.
  Logger.overrideLogger(['error', 'warn']);
  const launcher = new ProcessStackLauncher({ databaseUrl: process.env.DATABASE_URL || undefined });
  // Ctrl-C or a kill: stop every process of the stack and the embedded PostgreSQL, then leave.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the stack…\n`);
    void launcher.close().finally(() => process.exit(EXIT_FAILED));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outcome = await runFlashSale(options, launcher, {
    log: (line) => process.stdout.write(line + '\n'),
    printJson: (line) => process.stdout.write(line + '\n'),
    tty: Boolean(process.stdout.isTTY) && !options.json,
  });
  return outcome.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`flash-sale failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT_FAILED);
  },
);
