/**
 * Fixtures for the stock NestJS Kafka transport e2e spec: controllers that use only the public
 * decorators (@EventPattern, @MessagePattern, @Payload, @Ctx) and a recorder each test app gets
 * its own instance of, so a test can see which app handled what.
 */
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, KafkaRetriableException, MessagePattern, Payload, RpcException } from '@nestjs/microservices';

/** Topic names (one set per scenario, so no app subscribes to another scenario's traffic). */
export const TOPICS = {
  orderPlaced: 'nest.orders.placed',
  sum: 'nest.math.sum',
  fanOut: 'nest.fanout',
  flaky: 'nest.flaky',
  rpcFailures: 'nest.rpc.failures',
  rpcRetriable: 'nest.rpc.retriable',
  /** Not created up front: the broker auto-creates it and its reply topic. */
  echo: 'nest.auto.echo',
  manual: 'nest.manual.commit',
} as const;

/** Injection token of the Recorder an app's controllers write to. */
export const RECORDER = Symbol('RECORDER');

/** What a handler saw for one delivery: payload as Nest parsed it, plus the Kafka envelope. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
  key: unknown;
  headers: Record<string, unknown>;
  data: unknown;
}

/** Collects deliveries in arrival order. One instance per Nest app. */
export class Recorder {
  readonly deliveries: Delivery[] = [];
  /** Per payload id: how many times a flaky handler should still fail before succeeding. */
  readonly failuresLeft = new Map<string, number>();

  record(data: unknown, context: KafkaContext): void {
    const message = context.getMessage();
    this.deliveries.push({
      topic: context.getTopic(),
      partition: context.getPartition(),
      offset: message.offset,
      key: message.key,
      headers: { ...message.headers },
      data,
    });
  }

  /** The `id` fields of recorded payloads, in arrival order. */
  ids(): string[] {
    return this.deliveries.map((d) => (d.data as { id: string }).id);
  }
}

export interface OrderPlaced {
  id: string;
  amount: number;
}

// `@EventPattern<string>(...)` picks the untyped overload: Nest 12's typed-event overload only
// accepts handlers whose parameters after the payload are `unknown`, and these also take @Ctx().
@Controller()
export class OrderEventsController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @EventPattern<string>(TOPICS.orderPlaced)
  onOrderPlaced(@Payload() order: OrderPlaced, @Ctx() context: KafkaContext): void {
    this.recorder.record(order, context);
  }
}

@Controller()
export class MathController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @MessagePattern(TOPICS.sum)
  async sum(@Payload() input: { id: string; values: number[] }, @Ctx() context: KafkaContext): Promise<{ id: string; total: number }> {
    this.recorder.record(input, context);
    return { id: input.id, total: input.values.reduce((a, b) => a + b, 0) };
  }
}

@Controller()
export class EchoController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @MessagePattern(TOPICS.echo)
  echo(@Payload() input: { id: string }, @Ctx() context: KafkaContext): { echoed: string } {
    this.recorder.record(input, context);
    return { echoed: input.id };
  }
}

@Controller()
export class FanOutController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @EventPattern<string>(TOPICS.fanOut)
  onEvent(@Payload() event: { id: string }, @Ctx() context: KafkaContext): void {
    this.recorder.record(event, context);
  }
}

/** An event handler that throws while `failuresLeft` for the payload id is above zero. */
@Controller()
export class FlakyEventsController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @EventPattern<string>(TOPICS.flaky)
  onEvent(@Payload() event: { id: string }, @Ctx() context: KafkaContext): void {
    this.recorder.record(event, context);
    const left = this.recorder.failuresLeft.get(event.id) ?? 0;
    if (left > 0) {
      this.recorder.failuresLeft.set(event.id, left - 1);
      throw new Error(`handler failed on ${event.id}`);
    }
  }
}

/** Request handlers that fail in the ways a Nest user can choose between. */
@Controller()
export class FailingRpcController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @MessagePattern(TOPICS.rpcFailures)
  handle(@Payload() input: { id: string; mode: 'ok' | 'rpc' | 'plain' }, @Ctx() context: KafkaContext): { id: string; ok: true } {
    this.recorder.record(input, context);
    if (input.mode === 'rpc') throw new RpcException({ code: 'OUT_OF_STOCK', id: input.id });
    if (input.mode === 'plain') throw new Error(`internal detail of ${input.id}`);
    return { id: input.id, ok: true };
  }

  @MessagePattern(TOPICS.rpcRetriable)
  retriable(@Payload() input: { id: string }, @Ctx() context: KafkaContext): { id: string; attempts: number } {
    this.recorder.record(input, context);
    const left = this.recorder.failuresLeft.get(input.id) ?? 0;
    if (left > 0) {
      this.recorder.failuresLeft.set(input.id, left - 1);
      throw new KafkaRetriableException(`try ${input.id} again`);
    }
    return { id: input.id, attempts: this.recorder.ids().filter((id) => id === input.id).length };
  }
}

/** With `run: { autoCommit: false }`: commits each event's next offset itself, unless told not to. */
@Controller()
export class ManualCommitController {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @EventPattern<string>(TOPICS.manual)
  async onEvent(@Payload() event: { id: string; commit: boolean }, @Ctx() context: KafkaContext): Promise<void> {
    this.recorder.record(event, context);
    if (!event.commit) return;
    const next = (BigInt(context.getMessage().offset) + 1n).toString();
    await context.getConsumer().commitOffsets([{ topic: context.getTopic(), partition: context.getPartition(), offset: next }]);
  }
}
