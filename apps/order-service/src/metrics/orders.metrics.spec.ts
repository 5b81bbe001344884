import { ConsumerHealth, DeliveryStats } from '@peak/messaging';
import { OrdersMetrics } from './orders.metrics';

const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');

function sample(text: string, metric: string, group: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{group="${group}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('OrdersMetrics: consumer health', () => {
  it('exports the partitions retrying now and the transient retries so far, by group', async () => {
    const health = new ConsumerHealth();
    const metrics = new OrdersMetrics(new DeliveryStats(), health);
    health.enter('order-service', 'orders.auth-checked', 0, 'ECONNREFUSED', down);
    health.enter('order-service', 'orders.auth-checked', 1, 'ECONNREFUSED', down);
    health.retried('order-service', 'orders.auth-checked', 0, 'ECONNREFUSED', down);
    health.retried('order-service', 'orders.auth-checked', 1, 'ECONNREFUSED', down);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'consumer_partitions_retrying', 'order-service')).toBe(2);
    expect(sample(text, 'consumer_transient_retries_total', 'order-service')).toBe(2);

    health.retried('order-service', 'orders.auth-checked', 0, 'ECONNREFUSED', down);
    health.leave('order-service', 'orders.auth-checked', 0);
    health.leave('order-service', 'orders.auth-checked', 1);
    text = await metrics.registry.metrics();
    expect(sample(text, 'consumer_partitions_retrying', 'order-service')).toBeUndefined();
    expect(sample(text, 'consumer_transient_retries_total', 'order-service')).toBe(3);
    // A counter: scraping again does not count anything twice.
    expect(sample(await metrics.registry.metrics(), 'consumer_transient_retries_total', 'order-service')).toBe(3);
  });
});
