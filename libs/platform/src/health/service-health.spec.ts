import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ConsumerHealth } from '@peak/messaging';
import { createFastifyAdapter } from '../fastify-adapter';
import { ServiceHealthModule } from './service-health.module';

const SECOND_AGO = 1_000;

describe(ServiceHealthModule.name, () => {
  let app: NestFastifyApplication;
  let clock: number;
  let consumers: ConsumerHealth;

  beforeEach(async () => {
    clock = Date.now();
    consumers = new ConsumerHealth(() => clock);
    @Global()
    @Module({ providers: [{ provide: ConsumerHealth, useValue: consumers }], exports: [ConsumerHealth] })
    class FakeMessagingModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FakeMessagingModule, ServiceHealthModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterEach(async () => {
    await app.close();
  });

  it('GET /health is up while no partition retries', async () => {
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { consumers: { status: 'up', retrying: [] } } });
  });

  it('is down (503) naming the partitions once one has retried a transient failure for a second, and up again when it recovers', async () => {
    clock = Date.now() - 5 * SECOND_AGO;
    consumers.enter('payment', 'payments.requested', 2, 'postgres 57P01', new Error('terminating connection due to administrator command'));
    consumers.retried('payment', 'payments.requested', 2, 'ECONNREFUSED', new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const down = await request(app.getHttpServer()).get('/health');
    expect(down.status).toBe(503);
    expect(down.body.error.consumers).toMatchObject({
      status: 'down',
      retrying: [{ group: 'payment', topic: 'payments.requested', partition: 2, retries: 1, reason: 'ECONNREFUSED', lastError: 'Error: connect ECONNREFUSED 127.0.0.1:5432' }],
    });
    expect(down.body.error.consumers.retrying[0].forMs).toBeGreaterThanOrEqual(5 * SECOND_AGO);

    consumers.leave('payment', 'payments.requested', 2);
    expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
  });

  it('stays up during a retry shorter than a second (a deadlock retried once is not an outage)', async () => {
    consumers.enter('auth', 'orders.created', 0, 'postgres 40P01', new Error('deadlock detected'));
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info.consumers.retrying).toHaveLength(1);
  });
});
