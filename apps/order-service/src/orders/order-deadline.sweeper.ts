import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../config/order-service.config';
import { OrderLedgerService } from './order-ledger.service';

/** Orders timed out per sweep at most. */
const MAX_TIMEOUTS_PER_SWEEP = 1_000;

/**
 * Cancels orders still PENDING after their deadline (their checks did not both come back):
 * each becomes a `timeout` fact for the ledger (REJECTED TIMEOUT; the REJECTED status event,
 * written to the outbox in the same transaction, releases a held seat even if publishing
 * fails at first). A VALIDATED order is not the sweeper's: payment owns it from
 * PaymentRequested on and applies the deadline to the charge (see order-state.ts).
 * Safe with several instances: the ledger's row locks and state checks make a second
 * timeout of the same order a no-op.
 */
@Injectable()
export class OrderDeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderDeadlineSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    @InjectDataSource(ORDERS_DATA_SOURCE) private readonly db: DataSource,
    private readonly ledger: OrderLedgerService,
    @Inject(orderServiceConfig.KEY) private readonly config: ConfigType<typeof orderServiceConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepOnce().catch((e: Error) => this.logger.warn(`sweep failed: ${e.message}`)), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
  }

  /** Times out every overdue PENDING order (up to a cap); returns how many were found. */
  sweepOnce(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweep(): Promise<number> {
    const rows: Array<{ order_id: string }> = await this.db.query(
      `SELECT order_id FROM orders.orders
        WHERE status = 'PENDING' AND deadline_at < now()
        ORDER BY deadline_at LIMIT $1`,
      [MAX_TIMEOUTS_PER_SWEEP],
    );
    await Promise.all(rows.map((r) => this.ledger.apply({ kind: 'timeout', orderId: r.order_id })));
    if (rows.length > 0) this.logger.log(`timed out ${rows.length} order(s)`);
    return rows.length;
  }
}
