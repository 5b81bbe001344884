import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentCompletedEvent, PaymentRequestedEvent } from '@peak/contracts';
import { BatchCoalescer, ItemResult } from '@peak/messaging';
import { PAYMENTS_DATA_SOURCE } from '../config/payment.config';
import { GatewaysService } from '../gateways/gateways.service';
import type { PaymentStatus } from './payment.entity';

interface PaymentRow {
  order_id: string;
  status: PaymentStatus;
  transaction_id: string;
  detail: string;
}

interface Completion {
  orderId: string;
  ok: boolean;
  transactionId: string;
  detail: string;
}

/**
 * Charges each order at most once. The payment row (inserted in batches) is the record:
 * a redelivered request whose row is final is answered from it without touching the
 * gateway; one still PENDING (crash mid-charge) is charged again, which the gateway
 * deduplicates by order id.
 */
@Injectable()
export class PaymentsService {
  private readonly startBatch = new BatchCoalescer<PaymentRequestedEvent, PaymentRow>((reqs) => this.startMany(reqs));
  private readonly finishBatch = new BatchCoalescer<Completion, void>((done) => this.finishMany(done));

  constructor(
    @InjectDataSource(PAYMENTS_DATA_SOURCE) private readonly db: DataSource,
    private readonly gateways: GatewaysService,
  ) {}

  async process(request: PaymentRequestedEvent): Promise<PaymentCompletedEvent> {
    const row = await this.startBatch.submit(request);
    if (row.status !== 'PENDING') return completedEvent(row.order_id, row.status === 'SUCCEEDED', row.transaction_id, row.detail);
    const result = await this.gateways.for(request.paymentMethod).charge(request.orderId, request.amountCents);
    await this.finishBatch.submit({ orderId: request.orderId, ...result });
    return completedEvent(request.orderId, result.ok, result.transactionId, result.detail);
  }

  private async startMany(reqs: PaymentRequestedEvent[]): Promise<Array<ItemResult<PaymentRow>>> {
    const input = reqs.map((r) => ({ order_id: r.orderId, method: r.paymentMethod, amount_cents: r.amountCents }));
    const rows: PaymentRow[] = await this.db.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, method text, amount_cents integer)
       ), inserted AS (
         INSERT INTO payments.payments (order_id, method, amount_cents, status)
         SELECT DISTINCT ON (order_id) order_id, method, amount_cents, 'PENDING' FROM input
         ON CONFLICT (order_id) DO NOTHING
         RETURNING order_id, status, transaction_id, detail
       )
       SELECT order_id, status, transaction_id, detail FROM inserted
       UNION ALL
       SELECT p.order_id, p.status, p.transaction_id, p.detail FROM payments.payments p
        WHERE p.order_id IN (SELECT order_id FROM input)
          AND p.order_id NOT IN (SELECT order_id FROM inserted)`,
      [JSON.stringify(input)],
    );
    const byOrder = new Map(rows.map((r) => [r.order_id, r]));
    return reqs.map((r) => {
      const row = byOrder.get(r.orderId);
      return row ? { ok: true, value: row } : { ok: false, error: new Error(`payment row missing for ${r.orderId}`) };
    });
  }

  private async finishMany(done: Completion[]): Promise<Array<ItemResult<void>>> {
    const input = done.map((d) => ({
      order_id: d.orderId,
      status: d.ok ? 'SUCCEEDED' : 'FAILED',
      transaction_id: d.transactionId,
      detail: d.detail,
    }));
    await this.db.query(
      `UPDATE payments.payments p
          SET status = x.status, transaction_id = x.transaction_id, detail = x.detail, completed_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, status text, transaction_id text, detail text)
        WHERE p.order_id = x.order_id AND p.status = 'PENDING'`,
      [JSON.stringify(input)],
    );
    return done.map(() => ({ ok: true, value: undefined }));
  }
}

function completedEvent(orderId: string, ok: boolean, transactionId: string, detail: string): PaymentCompletedEvent {
  return { orderId, ok, reason: ok ? '' : 'PAYMENT_FAILED', detail, transactionId };
}
