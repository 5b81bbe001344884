import { decodeEvent, encodeEvent, eventHeaders } from './event-codec';
import { Topics } from '../topics/topics.constants';
import { EventDecodeError, UnsupportedSchemaVersionError } from '../errors/contract.errors';
import { OrderCreatedEvent } from '../events/order-events.types';

const created: OrderCreatedEvent = {
  order: {
    orderId: '6f1c1c8e-2f0b-5b7e-9d4e-0a1b2c3d4e5f',
    buyerId: 'u-1',
    courseId: 'c-flash',
    paymentMethod: 'wechat',
    idempotencyKey: 'k-1',
    createdAtMs: 1_700_000_000_123,
    expectedPriceCents: 0,
  },
  tokenExpiresAtMs: 1_700_003_600_000,
};

describe('event codec', () => {
  it('round-trips an OrderCreated event with its headers', () => {
    const bytes = encodeEvent(Topics.OrderCreated, created);
    expect(decodeEvent(Topics.OrderCreated, bytes, eventHeaders(Topics.OrderCreated))).toEqual(created);
  });

  it('decodes unset enums as empty strings', () => {
    const bytes = encodeEvent(Topics.PaymentCompleted, { orderId: 'o', ok: true, reason: '', detail: '', transactionId: 't' });
    const event = decodeEvent(Topics.PaymentCompleted, bytes, eventHeaders(Topics.PaymentCompleted));
    expect(event.reason).toBe('');
    expect(event.ok).toBe(true);
  });

  it('keeps reject reasons and statuses by name', () => {
    const bytes = encodeEvent(Topics.OrderStatus, {
      orderId: 'o', buyerId: 'b', courseId: 'c', status: 'REJECTED', reason: 'SOLD_OUT', seatHeld: false, atMs: 5,
    });
    const event = decodeEvent(Topics.OrderStatus, bytes, eventHeaders(Topics.OrderStatus));
    expect(event).toMatchObject({ status: 'REJECTED', reason: 'SOLD_OUT', atMs: 5 });
  });

  it('rejects a missing or unknown schema version', () => {
    const bytes = encodeEvent(Topics.OrderCreated, created);
    expect(() => decodeEvent(Topics.OrderCreated, bytes, {})).toThrow(UnsupportedSchemaVersionError);
    expect(() => decodeEvent(Topics.OrderCreated, bytes, { 'schema-version': '99' })).toThrow(UnsupportedSchemaVersionError);
  });

  it('rejects bytes that are not the schema', () => {
    expect(() =>
      decodeEvent(Topics.OrderCreated, Buffer.from([0xff, 0xff, 0xff, 0xff]), eventHeaders(Topics.OrderCreated)),
    ).toThrow(EventDecodeError);
  });
});
