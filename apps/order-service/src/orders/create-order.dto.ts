import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PAYMENT_METHODS, PaymentMethod } from '@peak/contracts';

/** POST /orders body. Validated by OrderBodyPipe (same rules, hand-written for speed); the decorators document it and define the rules. */
export class CreateOrderDto {
  @ApiProperty({ example: 'flash-sale-nest' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'courseId must contain only letters, digits, ".", "_" and "-"' })
  courseId!: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS as unknown as string[])
  paymentMethod!: PaymentMethod;

  @ApiPropertyOptional({ description: 'Price the buyer saw, in cents; the order is rejected (COURSE_INVALID) if it no longer holds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  expectedPriceCents?: number;
}

export class OrderAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ enum: ['PENDING'] })
  status!: 'PENDING';
}
