import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SeatStatus = 'HELD' | 'SOLD' | 'RELEASED';

/** One seat held, sold or released for one order. */
@Entity({ schema: 'catalog', name: 'seat_reservations' })
export class SeatReservation {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'course_id', type: 'text' })
  courseId!: string;

  @Column({ name: 'buyer_id', type: 'text' })
  buyerId!: string;

  @Column({ type: 'text' })
  status!: SeatStatus;

  @Column({ name: 'held_at', type: 'timestamptz' })
  heldAt!: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;
}
