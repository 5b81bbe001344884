import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ORDER_STATUSES, REJECT_REASONS } from '@peak/contracts';
import type { OrderStatus, PaymentMethod, RejectReason } from '@peak/contracts';
import { ORDERS_DATA_SOURCE } from '../config/order-service.config';
import { Order } from './order.entity';

export class OrderTimestampsDto {
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() validatedAt!: string | null;
  @ApiPropertyOptional() paidAt!: string | null;
  @ApiPropertyOptional() confirmedAt!: string | null;
  @ApiPropertyOptional() rejectedAt!: string | null;
}

export class OrderViewDto {
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiPropertyOptional({ enum: REJECT_REASONS }) reason!: RejectReason | null;
  @ApiProperty() detail!: string;
  @ApiProperty() courseId!: string;
  @ApiProperty() paymentMethod!: PaymentMethod;
  @ApiPropertyOptional() amountCents!: number | null;
  @ApiProperty({ type: OrderTimestampsDto }) timestamps!: OrderTimestampsDto;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

@Injectable()
export class OrdersQueryService {
  constructor(@InjectRepository(Order, ORDERS_DATA_SOURCE) private readonly orders: Repository<Order>) {}

  async find(orderId: string): Promise<OrderViewDto | null> {
    const o = await this.orders.findOne({ where: { orderId } });
    if (!o) return null;
    return {
      orderId: o.orderId,
      status: o.status,
      reason: o.reason,
      detail: o.detail,
      courseId: o.courseId,
      paymentMethod: o.paymentMethod,
      amountCents: o.amountCents,
      timestamps: {
        createdAt: o.createdAt.toISOString(),
        validatedAt: iso(o.validatedAt),
        paidAt: iso(o.paidAt),
        confirmedAt: iso(o.confirmedAt),
        rejectedAt: iso(o.rejectedAt),
      },
    };
  }
}
