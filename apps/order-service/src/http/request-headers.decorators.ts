import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { buyerTokenRefused } from './buyer-token.pipe';

/** Longest accepted Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The Bearer token of the request; 401 (`problem: 'missing'`) when the Authorization header is
 * missing or not Bearer. With BuyerTokenPipe (`@BearerToken(BuyerTokenPipe)`), the buyer it proves.
 */
export const BearerToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match) throw buyerTokenRefused('missing', 'Authorization: Bearer <token> is required');
  return match[1];
});

/** The Idempotency-Key header; 400 naming the header when missing or too long. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  if (typeof value !== 'string' || value.length === 0) {
    throw new BadRequestException({ message: 'Idempotency-Key header is required', fields: { 'Idempotency-Key': ['is required'] } });
  }
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadRequestException({
      message: `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      fields: { 'Idempotency-Key': ['is too long'] },
    });
  }
  return value;
});
