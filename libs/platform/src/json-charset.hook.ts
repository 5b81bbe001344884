import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** Charsets a JSON body may declare (RFC 8259: JSON exchanged between systems is UTF-8). */
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8']);
/** Cheap first look: most requests declare no charset at all. */
const MENTIONS_CHARSET = /charset/i;

/**
 * The charset a JSON `content-type` declares when it is not UTF-8, else null (not JSON, no
 * charset, or UTF-8). JSON is `application/json` or any `+json` type. Pure.
 */
export function nonUtf8JsonCharset(contentType: string): string | null {
  const [mediaType, ...params] = contentType.split(';');
  const type = mediaType.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) return null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (!UTF8_CHARSETS.has(charset)) return charset;
  }
  return null;
}

/**
 * Fastify `onRequest` hook: a request whose JSON body declares a charset other than UTF-8
 * (`application/json; charset=utf-16`, latin1, …) is answered `415` JSON before its body is
 * read, on every route; Fastify would otherwise read it as UTF-8. No charset and UTF-8 pass.
 * Costs one regular expression test on requests without a charset.
 */
export function rejectNonUtf8Json(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const contentType = request.headers['content-type'];
  if (contentType === undefined || !MENTIONS_CHARSET.test(contentType)) return done();
  const charset = nonUtf8JsonCharset(contentType);
  if (charset === null) return done();
  void reply
    .code(415)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ statusCode: 415, error: 'Unsupported Media Type', message: `JSON bodies must be UTF-8; charset=${charset} is not accepted` });
}
