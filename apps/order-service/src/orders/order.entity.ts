import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { OrderStatus, PaymentMethod, RejectReason } from '@peak/contracts';

/** An order as the aggregator knows it (owned by order-service, schema `orders`). */
@Entity({ schema: 'orders', name: 'orders' })
@Unique('orders_buyer_idempotency_key', ['buyerId', 'idempotencyKey'])
export class Order {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'buyer_id', type: 'text' })
  buyerId!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'course_id', type: 'text' })
  courseId!: string;

  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod!: PaymentMethod;

  @Column({ name: 'expected_price_cents', type: 'integer' })
  expectedPriceCents!: number;

  @Column({ name: 'amount_cents', type: 'integer', nullable: true })
  amountCents!: number | null;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ type: 'text', nullable: true })
  reason!: RejectReason | null;

  @Column({ type: 'text' })
  detail!: string;

  @Column({ name: 'auth_ok', type: 'boolean', nullable: true })
  authOk!: boolean | null;

  @Column({ name: 'course_ok', type: 'boolean', nullable: true })
  courseOk!: boolean | null;

  @Column({ name: 'seat_held', type: 'boolean' })
  seatHeld!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'validated_at', type: 'timestamptz', nullable: true })
  validatedAt!: Date | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'rejected_at', type: 'timestamptz', nullable: true })
  rejectedAt!: Date | null;

  @Column({ name: 'deadline_at', type: 'timestamptz' })
  deadlineAt!: Date;
}
