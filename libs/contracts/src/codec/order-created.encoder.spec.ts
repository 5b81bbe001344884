import * as protobuf from 'protobufjs';
import { OrderCore, OrderCreatedEvent } from '../events/order-events.types';
import { ORDER_EVENTS_PROTO } from '../schemas/order-events.proto';
import { decodeEvent, encodeEvent, eventHeaders } from './event-codec';
import { encodeOrderCreated } from './order-created.encoder';
import { Topics } from '../topics/topics.constants';

/** The reference: protobufjs reflection on the schema, as every other event is encoded. */
const OrderCreated = protobuf.parse(ORDER_EVENTS_PROTO).root.lookupType('peak.orders.v1.OrderCreated');
const reference = (event: unknown): Buffer => Buffer.from(OrderCreated.encode(OrderCreated.fromObject(event as Record<string, unknown>)).finish());

const order: OrderCore = {
  orderId: '6f1c1c8e-2f0b-8b7e-9d4e-0a1b2c3d4e5f',
  buyerId: 'bench-17',
  courseId: 'flash-sale-nest',
  paymentMethod: 'alipay',
  idempotencyKey: 'k-1',
  createdAtMs: 1_764_540_000_123,
  expectedPriceCents: 990,
};

/** A small deterministic generator (no Math.random: a failure must replay). */
function* cases(n: number): Generator<OrderCreatedEvent> {
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  const alphabet = ['a', 'Z', '7', '-', '.', 'é', '中', '😀', ' ', '\u0000'];
  const text = (max: number) => Array.from({ length: next() % (max + 1) }, () => alphabet[next() % alphabet.length]).join('');
  for (let i = 0; i < n; i++) {
    yield {
      order: {
        orderId: text(40),
        buyerId: text(200),
        courseId: text(12),
        paymentMethod: (['alipay', 'wechat'] as const)[next() % 2],
        idempotencyKey: text(150),
        createdAtMs: [0, 1, -1.5, 1_764_540_000_123, 2 ** 53 - 1][next() % 5],
        expectedPriceCents: [0, 1, 127, 128, 16_384, 100_000_000][next() % 6],
      },
      tokenExpiresAtMs: [0, 1, 1_764_543_600_000, 2 ** 53 - 1, 1.5][next() % 5],
    };
  }
}

describe('encodeOrderCreated (hand-written protobuf)', () => {
  it('writes the bytes protobufjs writes for a typical order, token expiry included', () => {
    const event = { order, tokenExpiresAtMs: 1_764_543_600_000 };
    expect(encodeOrderCreated(event).toString('hex')).toBe(reference(event).toString('hex'));
  });

  it('writes the bytes protobufjs writes over 500 generated events (unicode, empty strings, zeros, long strings)', () => {
    for (const event of cases(500)) expect(encodeOrderCreated(event).toString('hex')).toBe(reference(event).toString('hex'));
  });

  it('leaves out proto3 defaults exactly like protobufjs (zero expiry, price and time, missing order)', () => {
    const defaults = { order: { ...order, orderId: '', createdAtMs: 0, expectedPriceCents: 0 }, tokenExpiresAtMs: 0 };
    expect(encodeOrderCreated(defaults).toString('hex')).toBe(reference(defaults).toString('hex'));
    const noOrder = { tokenExpiresAtMs: 5 } as unknown as OrderCreatedEvent;
    expect(encodeOrderCreated(noOrder).toString('hex')).toBe(reference(noOrder).toString('hex'));
    const unknownMethod = { order: { ...order, paymentMethod: 'cash' }, tokenExpiresAtMs: 5 } as unknown as OrderCreatedEvent;
    expect(encodeOrderCreated(unknownMethod).toString('hex')).toBe(reference(unknownMethod).toString('hex'));
    const wrapped = { order: { ...order, expectedPriceCents: 2 ** 32 + 5 }, tokenExpiresAtMs: 5 };
    expect(encodeOrderCreated(wrapped).toString('hex')).toBe(reference(wrapped).toString('hex'));
  });

  it('never writes a token, even when an old caller still passes one', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaC0xNyJ9.c2lnbmF0dXJl';
    const bytes = encodeOrderCreated({ order, tokenExpiresAtMs: 1_764_543_600_000, token } as unknown as OrderCreatedEvent);
    expect(bytes.includes(Buffer.from(token))).toBe(false);
    expect(bytes.equals(encodeOrderCreated({ order, tokenExpiresAtMs: 1_764_543_600_000 }))).toBe(true);
  });

  it('reads events written before the token was retired: same order, no token, expiry 0 (auth rejects them)', () => {
    const legacySchema = ORDER_EVENTS_PROTO.replace(/message OrderCreated \{[^}]*\}/, 'message OrderCreated { OrderCore order = 1; string token = 2; }');
    expect(legacySchema).not.toBe(ORDER_EVENTS_PROTO);
    const Legacy = protobuf.parse(legacySchema).root.lookupType('peak.orders.v1.OrderCreated');
    const bytes = Buffer.from(Legacy.encode(Legacy.fromObject({ order, token: 'a.b.c' })).finish());
    expect(decodeEvent(Topics.OrderCreated, bytes, eventHeaders(Topics.OrderCreated))).toEqual({ order, tokenExpiresAtMs: 0 });
  });

  it('is what encodeEvent uses for OrderCreated, and decodeEvent reads it back', () => {
    const event = { order, tokenExpiresAtMs: 1_764_543_600_000 };
    const bytes = encodeEvent(Topics.OrderCreated, event);
    expect(bytes.equals(encodeOrderCreated(event))).toBe(true);
    expect(decodeEvent(Topics.OrderCreated, bytes, eventHeaders(Topics.OrderCreated))).toEqual(event);
  });
});
