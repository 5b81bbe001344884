import type { OrderCore, OrderCreatedEvent, PaymentMethod } from '../events/order-events.types';

/*
 * OrderCreated (peak.orders.v1, schemas/order-events.proto.ts) encoded by hand, without
 * protobufjs's reflection: the intake encodes one per order, so this is on the hot path.
 * It writes the bytes protobufjs writes (order-created.encoder.spec.ts compares them): fields
 * in number order, proto3 defaults ('' , 0, unknown enum names) left out, uint32 as `>>> 0`,
 * double little-endian. Strings are UTF-8 as Buffer writes it. Keep it in step with the schema.
 *
 *   message OrderCore {
 *     string order_id = 1; string buyer_id = 2; string course_id = 3;
 *     PaymentMethod payment_method = 4; string idempotency_key = 5;
 *     double created_at_ms = 6; uint32 expected_price_cents = 7;
 *   }
 *   message OrderCreated { OrderCore order = 1; reserved 2; double token_expires_at_ms = 3; }
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/** PaymentMethod enum numbers (0 is PAYMENT_METHOD_UNSPECIFIED, never written). */
const PAYMENT_METHOD_NUMBERS: Readonly<Record<PaymentMethod, number>> = { alipay: 1, wechat: 2 };

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Size of a string field (tag, length, bytes), 0 when the string is empty. */
function stringFieldSize(byteLength: number): number {
  return byteLength === 0 ? 0 : 1 + varintSize(byteLength) + byteLength;
}

/** Strings up to this long are measured and copied in JS when ASCII (cheaper than a native call). */
const SHORT_STRING = 64;

/** UTF-8 length of `value` ('' → 0). */
function utf8Length(value: string): number {
  if (!value) return 0;
  if (value.length <= SHORT_STRING) {
    let i = 0;
    while (i < value.length && value.charCodeAt(i) < 0x80) i++;
    if (i === value.length) return i;
  }
  return Buffer.byteLength(value, 'utf8');
}

function writeString(buf: Buffer, pos: number, field: number, value: string, byteLength: number): number {
  if (byteLength === 0) return pos;
  buf[pos++] = tag(field, LENGTH_DELIMITED);
  pos = writeVarint(buf, pos, byteLength);
  if (byteLength === value.length && byteLength <= SHORT_STRING) {
    for (let i = 0; i < byteLength; i++) buf[pos + i] = value.charCodeAt(i);
    return pos + byteLength;
  }
  return pos + buf.write(value, pos, byteLength, 'utf8');
}

/** The UTF-8 lengths of an OrderCore's strings, measured once. */
interface CoreLengths {
  orderId: number;
  buyerId: number;
  courseId: number;
  idempotencyKey: number;
}

function coreSize(lengths: CoreLengths, method: number, createdAtMs: number, price: number): number {
  return (
    stringFieldSize(lengths.orderId) +
    stringFieldSize(lengths.buyerId) +
    stringFieldSize(lengths.courseId) +
    (method === 0 ? 0 : 1 + varintSize(method)) +
    stringFieldSize(lengths.idempotencyKey) +
    (createdAtMs === 0 ? 0 : 1 + 8) +
    (price === 0 ? 0 : 1 + varintSize(price))
  );
}

/** Encodes an OrderCreated event as protobuf bytes. Pure; safe to call concurrently. */
export function encodeOrderCreated(event: OrderCreatedEvent): Buffer {
  const o = event.order as OrderCore | undefined | null;
  const expiresAtMs = event.tokenExpiresAtMs == null ? 0 : Number(event.tokenExpiresAtMs);
  let size = expiresAtMs === 0 ? 0 : 1 + 8;
  let lengths: CoreLengths | null = null;
  let method = 0;
  let createdAtMs = 0;
  let price = 0;
  let core = 0;
  if (o) {
    lengths = {
      orderId: utf8Length(o.orderId),
      buyerId: utf8Length(o.buyerId),
      courseId: utf8Length(o.courseId),
      idempotencyKey: utf8Length(o.idempotencyKey),
    };
    method = PAYMENT_METHOD_NUMBERS[o.paymentMethod] ?? 0;
    createdAtMs = o.createdAtMs == null ? 0 : Number(o.createdAtMs);
    price = (o.expectedPriceCents ?? 0) >>> 0;
    core = coreSize(lengths, method, createdAtMs, price);
    size += 1 + varintSize(core) + core;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  if (o && lengths) {
    buf[pos++] = tag(1, LENGTH_DELIMITED);
    pos = writeVarint(buf, pos, core);
    pos = writeString(buf, pos, 1, o.orderId, lengths.orderId);
    pos = writeString(buf, pos, 2, o.buyerId, lengths.buyerId);
    pos = writeString(buf, pos, 3, o.courseId, lengths.courseId);
    if (method !== 0) {
      buf[pos++] = tag(4, VARINT);
      pos = writeVarint(buf, pos, method);
    }
    pos = writeString(buf, pos, 5, o.idempotencyKey, lengths.idempotencyKey);
    if (createdAtMs !== 0) {
      buf[pos++] = tag(6, FIXED64);
      pos = buf.writeDoubleLE(createdAtMs, pos);
    }
    if (price !== 0) {
      buf[pos++] = tag(7, VARINT);
      pos = writeVarint(buf, pos, price);
    }
  }
  if (expiresAtMs !== 0) {
    buf[pos++] = tag(3, FIXED64);
    buf.writeDoubleLE(expiresAtMs, pos);
  }
  return buf;
}
