/**
 * Topic names of the order pipeline. See libs/contracts/README.md for the flow.
 *
 * Every event is keyed by its orderId, so all events of one order on one topic land in one
 * partition and keep their order.
 */
export const Topics = {
  /** order-service intake → order-service (persist), auth, course-validation. */
  OrderCreated: 'orders.created',
  /** auth → order-service aggregator. */
  AuthChecked: 'orders.auth-checked',
  /** course-validation → order-service aggregator (a seat is held when ok). */
  CourseChecked: 'orders.course-checked',
  /** order-service aggregator (order VALIDATED) → payment. */
  PaymentRequested: 'payments.requested',
  /** payment → order-service aggregator. */
  PaymentCompleted: 'payments.completed',
  /** order-service → course-validation (PAID: confirm the seat; REJECTED: release it) and anyone curious. */
  OrderStatus: 'orders.status',
  /** course-validation (seat sold) → order-service aggregator (order CONFIRMED). */
  SeatConfirmed: 'seats.confirmed',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Suffix of the dead-letter topic of each topic. */
export const DLQ_SUFFIX = '.DLQ';

/** The dead-letter topic for `topic`: `<topic>.DLQ`. */
export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** Default partition count of pipeline topics (several group members can share them). */
export const DEFAULT_TOPIC_PARTITIONS = 4;

/**
 * One consumer group per service and workload: each group sees every event (publish/subscribe).
 * course-validation reads orders.status in a group of its own: a consumer's fetch cycle waits
 * for all its partitions' batches, so in one group with the rate-limited course checks the
 * seat confirmations would wait behind a whole backlog of checks.
 */
export const ConsumerGroups = {
  OrderService: 'order-service',
  Auth: 'auth',
  CourseValidation: 'course-validation',
  CourseValidationSeats: 'course-validation-seats',
  Payment: 'payment',
} as const;

export type ConsumerGroupName = (typeof ConsumerGroups)[keyof typeof ConsumerGroups];
