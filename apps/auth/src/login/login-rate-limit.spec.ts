import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { createFastifyAdapter } from '@peak/platform';
import { authConfig, DEFAULT_LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE, DEFAULT_LOGIN_RATE_LIMIT_PER_MINUTE } from '../config/auth.config';
import { loginThrottlerOptions, LoginThrottlerGuard } from './login-rate-limit';

/** A login route guarded like the real one, answering 200 to every attempt that gets through. */
@Controller('auth')
class FakeLoginController {
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  login(@Body() body: { username: string }): { username: string } {
    return { username: body.username };
  }
}

async function appWith(limits: { perUsername: number; perAddress: number }): Promise<NestFastifyApplication> {
  const config = { loginsPerUsernamePerMinute: limits.perUsername, loginsPerAddressPerMinute: limits.perAddress } as ConfigType<typeof authConfig>;
  const moduleRef = await Test.createTestingModule({ imports: [ThrottlerModule.forRoot(loginThrottlerOptions(config))], controllers: [FakeLoginController] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  json(): { message: string } & Record<string, unknown>;
}

/** POSTs a login from `localAddress` (any 127.x.y.z reaches the loopback listener and is its own client address). */
function login(app: NestFastifyApplication, username: unknown, localAddress = '127.0.0.1'): Promise<Answer> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const body = JSON.stringify({ username, password: 'x' });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress, method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /auth/login rate limits', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('per username: past the limit, 429 JSON with Retry-After, whatever the address; other usernames go on', async () => {
    app = await appWith({ perUsername: 3, perAddress: 1_000 });
    for (let i = 0; i < 3; i++) expect((await login(app, 'alice', `127.0.0.${i + 2}`)).statusCode).toBe(200);
    const refused = await login(app, 'alice', '127.0.0.9');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('this username') });
    expect((await login(app, 'bob')).statusCode).toBe(200);
  });

  it('per client address: past the limit, 429 with Retry-After even for new usernames; other addresses go on', async () => {
    app = await appWith({ perUsername: 1_000, perAddress: 5 });
    for (let i = 0; i < 5; i++) expect((await login(app, `user-${i}`, '127.0.1.1')).statusCode).toBe(200);
    const refused = await login(app, 'user-new', '127.0.1.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json().message).toContain('this client address');
    expect((await login(app, 'user-new', '127.0.1.2')).statusCode).toBe(200);
  });

  it('a body without a string username is counted by address under the username limit too (no way around it)', async () => {
    app = await appWith({ perUsername: 2, perAddress: 1_000 });
    expect((await login(app, 42)).statusCode).toBe(200);
    expect((await login(app, { $ne: 1 })).statusCode).toBe(200);
    expect((await login(app, null)).statusCode).toBe(429);
  });

  it(`the defaults (${DEFAULT_LOGIN_RATE_LIMIT_PER_MINUTE}/username, ${DEFAULT_LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE}/address per minute) let the flash-sale simulation's 200 logins from 127.0.0.1 through, 16 at a time`, async () => {
    app = await appWith({ perUsername: DEFAULT_LOGIN_RATE_LIMIT_PER_MINUTE, perAddress: DEFAULT_LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE });
    const statuses: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < 200) {
        const i = next++;
        statuses.push((await login(app!, `buyer-${i + 1}`)).statusCode);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(200);
  });
});
