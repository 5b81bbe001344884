import { PAYMENT_METHODS, PaymentMethod, REJECT_REASONS, RejectReason } from '../events/order-events.types';
import { MAX_BUYER_ID_LENGTH } from '../auth/buyer-id';
import type {
  ChargeRequest,
  ChargeResponse,
  SeatHoldRequest,
  SeatHoldResponse,
  SeatOrderRequest,
  SeatReleaseResponse,
  SeatSaleResponse,
  TokenCheckRequest,
  TokenCheckResponse,
} from './rpc.types';

/** A parsed body, or what is wrong with it, field by field (paths like `order.courseId`). */
export type RpcParseResult<T> = { ok: true; value: T } | { ok: false; message: string; fields: Record<string, string[]> };

/** A function that checks an untrusted JSON value against one RPC type. */
export type RpcParser<T> = (value: unknown) => RpcParseResult<T>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ID_LENGTH = 300;
const MAX_TEXT_LENGTH = 2_000;
const MAX_CENTS = 100_000_000;

type Json = Record<string, unknown>;

/**
 * Hand-written checks (class-validator per request costs more than the work on these hot
 * routes; the same reason as OrderBodyPipe). Unknown properties are errors, as with the
 * ValidationPipe (forbidNonWhitelisted). Pure functions; safe anywhere.
 */
class FieldCheck {
  readonly fields: Record<string, string[]> = {};

  fail(path: string, message: string): void {
    (this.fields[path] ??= []).push(message);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Json | null {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path || 'body', `${path || 'body'} must be a JSON object`);
      return null;
    }
    const obj = value as Json;
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) this.fail(join(path, key), `property ${join(path, key)} should not exist`);
    return obj;
  }

  string(obj: Json, path: string, key: string, max: number, pattern?: { re: RegExp; says: string }): string {
    const v = obj[key];
    const at = join(path, key);
    if (typeof v !== 'string' || v.length === 0) this.fail(at, `${at} must be a non-empty string`);
    else if (v.length > max) this.fail(at, `${at} must be at most ${max} characters`);
    else if (pattern && !pattern.re.test(v)) this.fail(at, `${at} ${pattern.says}`);
    return v as string;
  }

  text(obj: Json, path: string, key: string): string {
    const v = obj[key];
    const at = join(path, key);
    if (typeof v !== 'string') this.fail(at, `${at} must be a string`);
    else if (v.length > MAX_TEXT_LENGTH) this.fail(at, `${at} must be at most ${MAX_TEXT_LENGTH} characters`);
    return v as string;
  }

  integer(obj: Json, path: string, key: string, max: number, optional = false): number {
    const v = obj[key];
    const at = join(path, key);
    if (v === undefined && optional) return v as unknown as number;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) this.fail(at, `${at} must be an integer between 0 and ${max}`);
    return v as number;
  }

  boolean(obj: Json, path: string, key: string): boolean {
    const v = obj[key];
    if (typeof v !== 'boolean') this.fail(join(path, key), `${join(path, key)} must be a boolean`);
    return v as boolean;
  }

  oneOf<T extends string>(obj: Json, path: string, key: string, values: readonly T[]): T {
    const v = obj[key];
    const at = join(path, key);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.fail(at, `${at} must be one of the following values: ${values.join(', ')}`);
    return v as T;
  }

  result<T>(value: T): RpcParseResult<T> {
    return Object.keys(this.fields).length === 0 ? { ok: true, value } : this.failure();
  }

  failure(): { ok: false; message: string; fields: Record<string, string[]> } {
    return { ok: false, message: Object.values(this.fields).flat().join('; ') || 'invalid body', fields: this.fields };
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const DEADLINE_MAX = Number.MAX_SAFE_INTEGER;
const UUID_RULE = { re: UUID, says: 'must be a UUID' };
const REASON_OR_EMPTY: readonly (RejectReason | '')[] = ['', ...REJECT_REASONS];

export const parseTokenCheckRequest: RpcParser<TokenCheckRequest> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['buyerId', 'tokenExpiresAtMs', 'orderCreatedAtMs', 'deadlineAtMs']);
  if (!o) return c.failure();
  const req: TokenCheckRequest = {
    buyerId: c.string(o, '', 'buyerId', MAX_BUYER_ID_LENGTH),
    tokenExpiresAtMs: c.integer(o, '', 'tokenExpiresAtMs', DEADLINE_MAX),
    orderCreatedAtMs: c.integer(o, '', 'orderCreatedAtMs', DEADLINE_MAX),
    deadlineAtMs: c.integer(o, '', 'deadlineAtMs', DEADLINE_MAX, true),
  };
  return c.result(req);
};

export const parseSeatHoldRequest: RpcParser<SeatHoldRequest> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['order', 'deadlineAtMs']);
  if (!o) return c.failure();
  const deadlineAtMs = c.integer(o, '', 'deadlineAtMs', DEADLINE_MAX, true);
  const order = c.object(o.order, 'order', ['orderId', 'buyerId', 'courseId', 'paymentMethod', 'idempotencyKey', 'createdAtMs', 'expectedPriceCents']);
  if (!order) return c.failure();
  return c.result<SeatHoldRequest>({
    deadlineAtMs,
    order: {
      orderId: c.string(order, 'order', 'orderId', 36, UUID_RULE),
      buyerId: c.string(order, 'order', 'buyerId', MAX_ID_LENGTH),
      courseId: c.string(order, 'order', 'courseId', MAX_ID_LENGTH),
      paymentMethod: c.oneOf<PaymentMethod>(order, 'order', 'paymentMethod', PAYMENT_METHODS),
      idempotencyKey: c.string(order, 'order', 'idempotencyKey', MAX_ID_LENGTH),
      createdAtMs: c.integer(order, 'order', 'createdAtMs', DEADLINE_MAX),
      expectedPriceCents: c.integer(order, 'order', 'expectedPriceCents', MAX_CENTS),
    },
  });
};

export const parseSeatOrderRequest: RpcParser<SeatOrderRequest> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['orderId']);
  if (!o) return c.failure();
  return c.result({ orderId: c.string(o, '', 'orderId', 36, UUID_RULE) });
};

export const parseChargeRequest: RpcParser<ChargeRequest> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['orderId', 'buyerId', 'courseId', 'paymentMethod', 'amountCents']);
  if (!o) return c.failure();
  return c.result<ChargeRequest>({
    orderId: c.string(o, '', 'orderId', 36, UUID_RULE),
    buyerId: c.string(o, '', 'buyerId', MAX_ID_LENGTH),
    courseId: c.string(o, '', 'courseId', MAX_ID_LENGTH),
    paymentMethod: c.oneOf<PaymentMethod>(o, '', 'paymentMethod', PAYMENT_METHODS),
    amountCents: c.integer(o, '', 'amountCents', MAX_CENTS),
  });
};

// Answers, checked by the caller: a wrong URL (another service, a proxy page) fails clearly.

export const parseTokenCheckResponse: RpcParser<TokenCheckResponse> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['ok', 'userId', 'detail']);
  if (!o) return c.failure();
  return c.result({ ok: c.boolean(o, '', 'ok'), userId: c.text(o, '', 'userId'), detail: c.text(o, '', 'detail') });
};

export const parseSeatHoldResponse: RpcParser<SeatHoldResponse> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['ok', 'reason', 'detail', 'priceCents', 'seatHeld']);
  if (!o) return c.failure();
  return c.result<SeatHoldResponse>({
    ok: c.boolean(o, '', 'ok'),
    reason: c.oneOf(o, '', 'reason', REASON_OR_EMPTY),
    detail: c.text(o, '', 'detail'),
    priceCents: c.integer(o, '', 'priceCents', MAX_CENTS),
    seatHeld: c.boolean(o, '', 'seatHeld'),
  });
};

export const parseSeatReleaseResponse: RpcParser<SeatReleaseResponse> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['released']);
  if (!o) return c.failure();
  return c.result({ released: c.boolean(o, '', 'released') });
};

export const parseSeatSaleResponse: RpcParser<SeatSaleResponse> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['sold']);
  if (!o) return c.failure();
  return c.result({ sold: c.boolean(o, '', 'sold') });
};

export const parseChargeResponse: RpcParser<ChargeResponse> = (value) => {
  const c = new FieldCheck();
  const o = c.object(value, '', ['orderId', 'ok', 'reason', 'detail', 'transactionId']);
  if (!o) return c.failure();
  return c.result<ChargeResponse>({
    orderId: c.string(o, '', 'orderId', 36, UUID_RULE),
    ok: c.boolean(o, '', 'ok'),
    reason: c.oneOf(o, '', 'reason', REASON_OR_EMPTY),
    detail: c.text(o, '', 'detail'),
    transactionId: c.text(o, '', 'transactionId'),
  });
};
