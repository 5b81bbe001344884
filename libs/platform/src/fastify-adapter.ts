import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Default largest request body; an order is ~100 bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/** A Fastify adapter with a small body limit (larger bodies get 413 before any parsing). */
export function createFastifyAdapter(bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: bodyLimitBytes, logger: false });
}
