/**
 * Protocol Buffers schema (proto3) of every pipeline event, parsed at load by protobufjs.
 * Evolve additively (new field numbers, never reuse or retype one); bump
 * CURRENT_SCHEMA_VERSION only for incompatible changes.
 */
export const ORDER_EVENTS_PROTO = `
syntax = "proto3";
package peak.orders.v1;

enum PaymentMethod { PAYMENT_METHOD_UNSPECIFIED = 0; alipay = 1; wechat = 2; }

enum OrderStatus {
  ORDER_STATUS_UNSPECIFIED = 0;
  PENDING = 1; VALIDATED = 2; PAID = 3; CONFIRMED = 4; REJECTED = 5;
}

enum RejectReason {
  REJECT_REASON_UNSPECIFIED = 0;
  AUTH_FAILED = 1; COURSE_INVALID = 2; SOLD_OUT = 3; ALREADY_BOUGHT = 4;
  PAYMENT_FAILED = 5; TIMEOUT = 6;
}

message OrderCore {
  string order_id = 1;
  string buyer_id = 2;
  string course_id = 3;
  PaymentMethod payment_method = 4;
  string idempotency_key = 5;
  double created_at_ms = 6;
  uint32 expected_price_cents = 7;
}

// order.buyer_id is the subject of the Bearer token intake verified; token_expires_at_ms is when
// that token expires (epoch ms, after order.created_at_ms). Field 2 carried the token itself
// until intake verified it: retired, never to be reused.
message OrderCreated {
  OrderCore order = 1;
  reserved 2;
  reserved "token";
  double token_expires_at_ms = 3;
}

message AuthChecked {
  OrderCore order = 1; bool ok = 2; RejectReason reason = 3; string detail = 4; string user_id = 5;
}

message CourseChecked {
  OrderCore order = 1; bool ok = 2; RejectReason reason = 3; string detail = 4;
  uint32 price_cents = 5; bool seat_held = 6;
}

message PaymentRequested {
  string order_id = 1; string buyer_id = 2; string course_id = 3;
  PaymentMethod payment_method = 4; uint32 amount_cents = 5;
}

message PaymentCompleted {
  string order_id = 1; bool ok = 2; RejectReason reason = 3; string detail = 4; string transaction_id = 5;
}

message OrderStatusChanged {
  string order_id = 1; string buyer_id = 2; string course_id = 3;
  OrderStatus status = 4; RejectReason reason = 5; bool seat_held = 6; double at_ms = 7;
}

message SeatConfirmed { string order_id = 1; string course_id = 2; }
`;
