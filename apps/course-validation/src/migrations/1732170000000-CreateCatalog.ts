import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * course-validation owns schema `catalog`: courses with their seat counter, one reservation
 * per order (at most one live reservation per buyer and course), and the recorded outcome
 * of each order's check (idempotency). `reserve_seats` and `release_seats` do a whole batch
 * in one round trip.
 */
export class CreateCatalog1732170000000 implements MigrationInterface {
  name = 'CreateCatalog1732170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS catalog`);
    await q.query(`
      CREATE TABLE catalog.courses (
        course_id      text PRIMARY KEY,
        title          text NOT NULL,
        price_cents    integer NOT NULL CHECK (price_cents >= 0),
        seats_total    integer NOT NULL CHECK (seats_total >= 0),
        seats_left     integer NOT NULL CHECK (seats_left >= 0 AND seats_left <= seats_total),
        sale_starts_at timestamptz NOT NULL,
        sale_ends_at   timestamptz NOT NULL,
        CHECK (sale_ends_at > sale_starts_at)
      )`);
    await q.query(`
      CREATE TABLE catalog.seat_reservations (
        order_id     uuid PRIMARY KEY,
        course_id    text NOT NULL REFERENCES catalog.courses(course_id),
        buyer_id     text NOT NULL,
        status       text NOT NULL CHECK (status IN ('HELD', 'SOLD', 'RELEASED')),
        held_at      timestamptz NOT NULL DEFAULT now(),
        settled_at   timestamptz
      )`);
    await q.query(`
      CREATE UNIQUE INDEX seat_reservations_one_per_buyer
        ON catalog.seat_reservations (course_id, buyer_id) WHERE status <> 'RELEASED'`);
    await q.query(`
      CREATE TABLE catalog.course_checks (
        order_id     uuid PRIMARY KEY,
        ok           boolean NOT NULL,
        reason       text NOT NULL,
        detail       text NOT NULL,
        price_cents  integer NOT NULL,
        seat_held    boolean NOT NULL,
        checked_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // One call checks and reserves for a whole batch; rows are visited in course order so
    // concurrent batches lock course rows in the same order (no deadlocks). The seat
    // counter's CHECK and the conditional decrement make overselling impossible; the
    // partial unique index makes a second live seat per buyer impossible.
    await q.query(`
      CREATE FUNCTION catalog.reserve_seats(p_requests jsonb)
      RETURNS TABLE (order_id uuid, ok boolean, reason text, detail text, price_cents integer, seat_held boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        c catalog.courses%ROWTYPE;
        v_ok boolean; v_reason text; v_detail text; v_price integer; v_held boolean;
        v_inserted integer;
      BEGIN
        FOR r IN
          SELECT x.order_id, x.course_id, x.buyer_id, x.expected_price_cents, x.at
          FROM jsonb_to_recordset(p_requests)
            AS x(order_id uuid, course_id text, buyer_id text, expected_price_cents integer, at timestamptz)
          ORDER BY x.course_id, x.order_id
        LOOP
          RETURN QUERY SELECT k.order_id, k.ok, k.reason, k.detail, k.price_cents, k.seat_held
            FROM catalog.course_checks k WHERE k.order_id = r.order_id;
          IF FOUND THEN CONTINUE; END IF;

          v_ok := false; v_reason := 'COURSE_INVALID'; v_detail := ''; v_price := 0; v_held := false;
          SELECT * INTO c FROM catalog.courses WHERE course_id = r.course_id;
          IF NOT FOUND THEN
            v_detail := 'unknown course';
          ELSIF r.at < c.sale_starts_at OR r.at >= c.sale_ends_at THEN
            v_detail := 'course not on sale at order time';
          ELSIF coalesce(r.expected_price_cents, 0) > 0 AND r.expected_price_cents <> c.price_cents THEN
            v_detail := 'price changed';
          ELSE
            v_price := c.price_cents;
            INSERT INTO catalog.seat_reservations (order_id, course_id, buyer_id, status)
              VALUES (r.order_id, r.course_id, r.buyer_id, 'HELD') ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS v_inserted = ROW_COUNT;
            IF v_inserted = 0 THEN
              v_reason := 'ALREADY_BOUGHT'; v_detail := 'buyer already holds a seat of this course';
            ELSE
              UPDATE catalog.courses SET seats_left = seats_left - 1
                WHERE course_id = r.course_id AND seats_left > 0;
              IF FOUND THEN
                v_ok := true; v_reason := ''; v_held := true;
              ELSE
                DELETE FROM catalog.seat_reservations WHERE seat_reservations.order_id = r.order_id;
                v_reason := 'SOLD_OUT'; v_detail := 'no seat left';
              END IF;
            END IF;
          END IF;
          INSERT INTO catalog.course_checks (order_id, ok, reason, detail, price_cents, seat_held)
            VALUES (r.order_id, v_ok, v_reason, v_detail, v_price, v_held);
          RETURN QUERY SELECT r.order_id, v_ok, v_reason, v_detail, v_price, v_held;
        END LOOP;
      END $$`);
    await q.query(`
      INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at) VALUES
        ('ddd-101', 'Domain-Driven Design in Practice', 19900, 100000, 100000, '2024-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
        ('kafka-201', 'Kafka Internals', 29900, 100000, 100000, '2024-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
        ('flash-sale-nest', 'NestJS Flash Sale (limited seats)', 990, 50, 50, '2024-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
        ('coming-soon', 'Coming Soon: Rust for TypeScript Developers', 9900, 100, 100, '2099-01-01T00:00:00Z', '2100-01-01T00:00:00Z')
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA catalog CASCADE`);
  }
}
