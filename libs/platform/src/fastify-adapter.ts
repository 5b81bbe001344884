import { FastifyAdapter } from '@nestjs/platform-fastify';
import { rejectNonUtf8Json } from './json-charset.hook';
import { rejectNulInUrl } from './nul-url.hook';

/** Default largest request body; an order is ~100 bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * A Fastify adapter with a small body limit (larger bodies get 413 before any parsing) that,
 * on every route, answers 415 to JSON bodies declaring a charset other than UTF-8 and 400 to
 * URLs carrying a NUL byte.
 */
export function createFastifyAdapter(bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: bodyLimitBytes, logger: false });
  adapter.getInstance().addHook('onRequest', rejectNulInUrl);
  adapter.getInstance().addHook('onRequest', rejectNonUtf8Json);
  return adapter;
}
