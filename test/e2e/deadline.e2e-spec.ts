import { ConsumerGroups } from '@peak/contracts';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

describe('order pipeline: deadline sweeper', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ ORDER_DEADLINE_MS: '800', ORDER_SWEEP_INTERVAL_MS: '50' });
    await h.addUsers(['slow-1', 'slow-2']);
    await h.addCourse('slow', 3, 100);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('cancels an order stuck past its deadline (TIMEOUT) and releases its seat', async () => {
    await h.server.stopGroup(ConsumerGroups.Payment);
    const res = await h.order(h.token('slow-1'), { courseId: 'slow', paymentMethod: 'alipay' });
    await waitFor(async () => ((await h.orderRow(res.body.orderId))?.status === 'VALIDATED' ? true : undefined), 'VALIDATED');
    expect(await h.seatsLeft('slow')).toBe(2);

    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    await waitFor(async () => ((await h.seatsLeft('slow')) === 3 ? true : undefined), 'the seat to be released');
  });

  it('cancels an order whose checks never arrive', async () => {
    await h.server.stopGroup(ConsumerGroups.Auth);
    const res = await h.order(h.token('slow-2'), { courseId: 'slow', paymentMethod: 'alipay' });
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    await waitFor(async () => ((await h.seatsLeft('slow')) === 3 ? true : undefined), 'the seat to be released');
    await h.server.startGroup(ConsumerGroups.Auth);
  });
});
