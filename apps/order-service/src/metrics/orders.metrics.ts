import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DeliveryStats } from '@peak/messaging';

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
  constructor(deliveryStats: DeliveryStats) {
    collectDefaultMetrics({ register: this.registry });
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
