/**
 * Internal RPC endpoints of the services (direct mode: "data through RPC" instead of through
 * the message engine). Each is served by the service that owns the work, on its own HTTP
 * server; all take and answer JSON. Paths are absolute (used as Nest route paths and by the client).
 */
export const RpcPaths = {
  /** auth: is the order's verified buyer a known, not-banned user? TokenCheckRequest → TokenCheckResponse. */
  TokenChecks: '/rpc/token-checks',
  /** course-validation: check the course and hold a seat. SeatHoldRequest → SeatHoldResponse. */
  SeatHolds: '/rpc/seat-holds',
  /** course-validation: give a held seat back. SeatOrderRequest → SeatReleaseResponse. */
  SeatReleases: '/rpc/seat-holds/release',
  /** course-validation: sell the held seat (order paid). SeatOrderRequest → SeatSaleResponse. */
  SeatSales: '/rpc/seat-holds/confirm',
  /** payment: charge the order once. ChargeRequest → ChargeResponse. */
  Charges: '/rpc/charges',
} as const;

/** `GET` endpoints with each stage's configured capacity and current load (CapacityReport). */
export const CapacityPaths = {
  Auth: '/capacity/auth',
  CourseValidation: '/capacity/course-validation',
  Payment: '/capacity/payment',
} as const;
