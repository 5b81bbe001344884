import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

@Entity({ schema: 'payments', name: 'payments' })
export class Payment {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  method!: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  /** Why a FAILED charge failed: PAYMENT_FAILED (declined) or TIMEOUT (given up at the order's deadline, nothing charged); '' otherwise. */
  @Column({ type: 'text', default: '' })
  reason!: '' | 'PAYMENT_FAILED' | 'TIMEOUT';

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ type: 'text' })
  detail!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
