import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** Raised at boot when the environment does not satisfy a config class. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = this.constructor.name;
  }
}

/**
 * Builds a config object of class `cls` from `env`: strings are converted to the declared
 * types, class defaults fill what is unset, and class-validator rules are enforced.
 * Throws InvalidEnvironmentError listing every violated rule.
 */
export function validateEnv<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(
      errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`),
    );
  }
  return instance;
}
