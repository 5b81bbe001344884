import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ConsumerHealth, DeliveryStats } from '@peak/messaging';

const INTAKE_BUCKETS_SECONDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Prometheus metrics of this process (one registry per application instance). */
@Injectable()
export class OrdersMetrics {
  readonly registry = new Registry();
  private readonly intake = new Counter({
    name: 'orders_intake_total',
    help: 'POST /orders answered, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly intakeSeconds = new Histogram({
    name: 'orders_intake_seconds',
    help: 'POST /orders latency until the broker acknowledged the event',
    buckets: INTAKE_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly transitions = new Counter({
    name: 'orders_transitions_total',
    help: 'Order state changes, by new status and reason',
    labelNames: ['status', 'reason'] as const,
    registers: [this.registry],
  });
  constructor(deliveryStats: DeliveryStats, consumerHealth: ConsumerHealth) {
    collectDefaultMetrics({ register: this.registry });
    registerConsumerHealthMetrics(this.registry, consumerHealth);
    new Gauge({
      name: 'events_delivered',
      help: 'Event deliveries in this process by consumer group, topic and outcome (processed, retried, dead-lettered)',
      labelNames: ['group', 'topic', 'result'] as const,
      registers: [this.registry],
      collect() {
        for (const c of deliveryStats.snapshot()) this.set({ group: c.group, topic: c.topic, result: c.result }, c.count);
      },
    });
  }

  intakeAccepted(seconds: number): void {
    this.intake.inc({ result: 'accepted' });
    this.intakeSeconds.observe(seconds);
  }

  intakeFailed(): void {
    this.intake.inc({ result: 'failed' });
  }

  transition(status: string, reason: string | null): void {
    this.transitions.inc({ status, reason: reason ?? '' });
  }
}

/**
 * The consumers' degraded state (ConsumerHealth), read at scrape time:
 * `consumer_partitions_retrying{group}` partitions waiting out a transient failure now (paused,
 * backlog kept in the broker), `consumer_transient_retries_total{group}` retries since start.
 */
function registerConsumerHealthMetrics(registry: Registry, health: ConsumerHealth): void {
  new Gauge({
    name: 'consumer_partitions_retrying',
    help: 'Partitions of this process paused while retrying a transient failure (database unavailable, timeout, deadlock), by consumer group',
    labelNames: ['group'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const byGroup = new Map<string, number>();
      for (const p of health.retrying()) byGroup.set(p.group, (byGroup.get(p.group) ?? 0) + 1);
      for (const [group, count] of byGroup) this.set({ group }, count);
    },
  });
  const reported = new Map<string, number>();
  new Counter({
    name: 'consumer_transient_retries_total',
    help: 'Deliveries retried after a transient failure, by consumer group',
    labelNames: ['group'] as const,
    registers: [registry],
    collect() {
      for (const { group, retries } of health.transientRetries()) {
        const delta = retries - (reported.get(group) ?? 0);
        if (delta > 0) this.inc({ group }, delta);
        reported.set(group, retries);
      }
    },
  });
}
