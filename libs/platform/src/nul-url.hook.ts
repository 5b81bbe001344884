import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** A percent-encoded NUL byte (digits only, so no case to fold). */
const ENCODED_NUL = '%00';

/**
 * Fastify `onRequest` hook: a URL carrying a NUL byte (`%00` in its path or query) is
 * answered `400` JSON on every route. No route takes one, and PostgreSQL rejects NUL in text,
 * so a path parameter with one (GET /courses/a%00b) reached the database and answered 500.
 * Node's HTTP parser already refuses a raw NUL in the request line and headers. One
 * substring search per request.
 */
export function rejectNulInUrl(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (!request.url.includes(ENCODED_NUL)) return done();
  void reply
    .code(400)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ statusCode: 400, error: 'Bad Request', message: 'the URL must not contain a NUL byte (%00)', fields: { url: ['must not contain a NUL byte'] } });
}
