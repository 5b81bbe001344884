import { randomUUID } from 'node:crypto';
import { PipelineHarness } from './support/pipeline.harness';

/** auth's default LOGIN_RATE_LIMIT_PER_MINUTE (attempts per username per minute). */
const PER_USERNAME = 10;

describe('HTTP edge: hostile input answers 4xx JSON, never 500', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addUsers(['edge-1']);
    await h.addCourse('edge-course', 10, 300);
  });

  afterAll(async () => {
    await h?.close();
  });

  const login = (body: unknown, contentType = 'application/json') =>
    h.http().post('/auth/login').set('Content-Type', contentType).send(typeof body === 'string' ? body : JSON.stringify(body));

  describe('POST /auth/login with input PostgreSQL would reject → 400 naming the field', () => {
    it.each([
      ['a NUL byte in the username', { username: 'ali\u0000ce', password: 'alice-pass' }, 'username'],
      ['a control character in the username', { username: 'alice\u001b', password: 'alice-pass' }, 'username'],
      ['a NUL byte in the password', { username: 'carol', password: 'carol\u0000pass' }, 'password'],
    ])('%s', async (_label, body, field) => {
      const res = await login(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 400, fields: { [field]: [expect.any(String)] } });
      expect(res.body.message).toContain(field);
    });
  });

  it.each([
    ['a path parameter', '/courses/a%00b'],
    ['an order id', '/orders/a%00b'],
    ['a query string', '/courses?x=%00'],
  ])('a NUL byte in %s → 400 JSON, not 500 from PostgreSQL', async (_label, url) => {
    const res = await h.http().get(url);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 400, fields: { url: [expect.any(String)] } });
  });

  it(`POST /auth/login: 31 wrong passwords → 429 with Retry-After once ${PER_USERNAME} were tried; the right one is refused too, other users are not`, async () => {
    const statuses: number[] = [];
    let last = await login({ username: 'bob', password: 'wrong' });
    statuses.push(last.status);
    for (let i = 1; i < 31; i++) {
      last = await login({ username: 'bob', password: `wrong-${i}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, PER_USERNAME)).toEqual(Array(PER_USERNAME).fill(401));
    expect(statuses.slice(PER_USERNAME)).toEqual(Array(31 - PER_USERNAME).fill(429));
    expect(last.headers['content-type']).toMatch(/application\/json/);
    const retryAfter = Number(last.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last.body).toMatchObject({ statusCode: 429, message: expect.stringContaining('username') });

    expect((await login({ username: 'bob', password: 'bob-pass' })).status).toBe(429);
    const alice = await login({ username: 'alice', password: 'alice-pass' });
    expect(alice.status).toBe(200);
    expect(alice.body.token).toEqual(expect.any(String));
  });

  describe('JSON bodies declaring a charset other than UTF-8 → 415 on every route', () => {
    it.each([
      ['POST /orders, utf-16', '/orders', 'application/json; charset=utf-16'],
      ['POST /orders, latin1', '/orders', 'application/json; charset=latin1'],
      ['POST /auth/login, ISO-8859-1', '/auth/login', 'application/json;charset=ISO-8859-1'],
      ['an unknown route', '/no-such-route', 'application/json; charset=utf-16'],
    ])('%s', async (_label, path, contentType) => {
      const res = await h
        .http()
        .post(path)
        .set('Authorization', `Bearer ${h.token('edge-1')}`)
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', contentType)
        .send(JSON.stringify({ courseId: 'edge-course', paymentMethod: 'alipay', username: 'carol', password: 'carol-pass' }));
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 415, message: expect.stringContaining('UTF-8') });
    });

    it.each([
      ['no charset', 'application/json'],
      ['charset=utf-8', 'application/json; charset=utf-8'],
      ['charset="UTF-8"', 'application/json; charset="UTF-8"'],
    ])('stays accepted with %s', async (_label, contentType) => {
      const res = await h
        .http()
        .post('/orders')
        .set('Authorization', `Bearer ${h.token('edge-1')}`)
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', contentType)
        .send(JSON.stringify({ courseId: 'edge-course', paymentMethod: 'alipay' }));
      expect(res.status).toBe(202);
    });
  });
});
