import { BadRequestException } from '@nestjs/common';
import { MAX_BUYER_ID_LENGTH } from '../auth/buyer-id';
import { RpcBodyPipe } from './rpc-body.pipe';
import {
  parseChargeRequest,
  parseChargeResponse,
  parseSeatHoldRequest,
  parseSeatHoldResponse,
  parseSeatOrderRequest,
  parseTokenCheckRequest,
  parseTokenCheckResponse,
} from './rpc-validation';

const ORDER_ID = '0b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11';
const order = {
  orderId: ORDER_ID,
  buyerId: 'u-1',
  courseId: 'ddd-101',
  paymentMethod: 'alipay',
  idempotencyKey: 'k-1',
  createdAtMs: 1_700_000_000_000,
  expectedPriceCents: 0,
};

describe('RPC body checks', () => {
  it('accept well-formed requests and keep their values', () => {
    const check = { buyerId: 'u-1', tokenExpiresAtMs: 1_700_003_600_000, orderCreatedAtMs: 1_700_000_000_000, deadlineAtMs: 5 };
    expect(parseTokenCheckRequest(check)).toEqual({ ok: true, value: check });
    expect(parseSeatHoldRequest({ order })).toMatchObject({ ok: true, value: { order } });
    expect(parseSeatOrderRequest({ orderId: ORDER_ID })).toEqual({ ok: true, value: { orderId: ORDER_ID } });
    const charge = { orderId: ORDER_ID, buyerId: 'u-1', courseId: 'c', paymentMethod: 'wechat', amountCents: 990 };
    expect(parseChargeRequest(charge)).toEqual({ ok: true, value: charge });
  });

  it('name each bad field, nested ones by path', () => {
    const bad = parseSeatHoldRequest({ order: { ...order, paymentMethod: 'cash', createdAtMs: -1 }, deadlineAtMs: 'soon' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.fields).sort()).toEqual(['deadlineAtMs', 'order.createdAtMs', 'order.paymentMethod']);
    expect(bad.message).toContain('order.paymentMethod must be one of the following values: alipay, wechat');
  });

  it('reject missing fields, unknown properties and non-objects', () => {
    expect(parseTokenCheckRequest({ tokenExpiresAtMs: 2, orderCreatedAtMs: 1 })).toMatchObject({ ok: false, fields: { buyerId: [expect.any(String)] } });
    expect(parseSeatOrderRequest({ orderId: ORDER_ID, extra: true })).toMatchObject({ ok: false, fields: { extra: ['property extra should not exist'] } });
    expect(parseChargeRequest([])).toMatchObject({ ok: false, fields: { body: ['body must be a JSON object'] } });
    expect(parseChargeRequest({ orderId: 'not-a-uuid', buyerId: 'u', courseId: 'c', paymentMethod: 'alipay', amountCents: 1.5 })).toMatchObject({
      ok: false,
      fields: { orderId: ['orderId must be a UUID'], amountCents: [expect.stringContaining('integer')] },
    });
  });

  it('token checks carry the verified buyer and expiry, never a token, and bound the buyer id', () => {
    const check = { buyerId: 'u-1', tokenExpiresAtMs: 2, orderCreatedAtMs: 1 };
    expect(parseTokenCheckRequest({ ...check, token: 'a.b.c' })).toMatchObject({ ok: false, fields: { token: ['property token should not exist'] } });
    expect(parseTokenCheckRequest({ buyerId: 'u-1' })).toMatchObject({ ok: false, fields: { tokenExpiresAtMs: [expect.any(String)], orderCreatedAtMs: [expect.any(String)] } });
    expect(parseTokenCheckRequest({ ...check, buyerId: 'x'.repeat(MAX_BUYER_ID_LENGTH) }).ok).toBe(true);
    expect(parseTokenCheckRequest({ ...check, buyerId: 'x'.repeat(MAX_BUYER_ID_LENGTH + 1) })).toMatchObject({ ok: false, fields: { buyerId: [expect.stringContaining(`${MAX_BUYER_ID_LENGTH}`)] } });
  });

  it('check answers too, so a wrong URL fails clearly', () => {
    expect(parseTokenCheckResponse({ ok: true, userId: 'u-1', detail: '' }).ok).toBe(true);
    expect(parseTokenCheckResponse({ statusCode: 404, message: 'Cannot POST /rpc/token-checks' }).ok).toBe(false);
    expect(parseSeatHoldResponse({ ok: false, reason: 'SOLD_OUT', detail: 'x', priceCents: 0, seatHeld: false }).ok).toBe(true);
    expect(parseSeatHoldResponse({ ok: false, reason: 'NOPE', detail: 'x', priceCents: 0, seatHeld: false }).ok).toBe(false);
    expect(parseChargeResponse({ orderId: ORDER_ID, ok: true, reason: '', detail: '', transactionId: 't' }).ok).toBe(true);
  });

  it('RpcBodyPipe answers 400 with message and fields', () => {
    const pipe = new RpcBodyPipe(parseSeatOrderRequest);
    expect(pipe.transform({ orderId: ORDER_ID })).toEqual({ orderId: ORDER_ID });
    try {
      pipe.transform({ orderId: 42 });
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as BadRequestException).getResponse()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'orderId must be a non-empty string',
        fields: { orderId: ['orderId must be a non-empty string'] },
      });
    }
  });
});
