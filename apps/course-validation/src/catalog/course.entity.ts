import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A course on sale, with its seat counter (owned by course-validation, schema `catalog`). */
@Entity({ schema: 'catalog', name: 'courses' })
export class Course {
  @PrimaryColumn({ name: 'course_id', type: 'text' })
  courseId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ name: 'seats_total', type: 'integer' })
  seatsTotal!: number;

  @Column({ name: 'seats_left', type: 'integer' })
  seatsLeft!: number;

  @Column({ name: 'sale_starts_at', type: 'timestamptz' })
  saleStartsAt!: Date;

  @Column({ name: 'sale_ends_at', type: 'timestamptz' })
  saleEndsAt!: Date;
}
