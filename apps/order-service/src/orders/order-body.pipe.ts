import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { PAYMENT_METHODS, PaymentMethod } from '@peak/contracts';
import type { CreateOrderDto } from './create-order.dto';

/** Same limits as the CreateOrderDto decorators (which document the body in OpenAPI). */
const COURSE_ID_MAX = 100;
const COURSE_ID_PATTERN = /^[A-Za-z0-9._-]+$/;
const PRICE_MAX = 100_000_000;
const ALLOWED = new Set(['courseId', 'paymentMethod', 'expectedPriceCents']);

/**
 * Validates a POST /orders body by hand. It enforces exactly the rules declared on
 * CreateOrderDto and answers in the same 400 format as the global ValidationPipe
 * (`message` + `fields`), at a fraction of the cost: class-transformer + class-validator
 * halve the throughput of this hot route (measured: 14k → 6.7k req/s on a bare route).
 */
@Injectable()
export class OrderBodyPipe implements PipeTransform<unknown, CreateOrderDto> {
  transform(value: unknown): CreateOrderDto {
    const fields: Record<string, string[]> = {};
    const fail = (field: string, message: string) => (fields[field] ??= []).push(message);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'body must be a JSON object', fields: { body: ['must be a JSON object'] } });
    }
    const body = value as Record<string, unknown>;
    for (const key of Object.keys(body)) if (!ALLOWED.has(key)) fail(key, `property ${key} should not exist`);
    const { courseId, paymentMethod, expectedPriceCents } = body;
    if (typeof courseId !== 'string') fail('courseId', 'courseId must be a string');
    else if (courseId.length > COURSE_ID_MAX) fail('courseId', `courseId must be shorter than or equal to ${COURSE_ID_MAX} characters`);
    else if (!COURSE_ID_PATTERN.test(courseId)) fail('courseId', 'courseId must contain only letters, digits, ".", "_" and "-"');
    if (typeof paymentMethod !== 'string' || !(PAYMENT_METHODS as readonly string[]).includes(paymentMethod)) {
      fail('paymentMethod', `paymentMethod must be one of the following values: ${PAYMENT_METHODS.join(', ')}`);
    }
    if (expectedPriceCents !== undefined && (!Number.isInteger(expectedPriceCents) || (expectedPriceCents as number) < 0 || (expectedPriceCents as number) > PRICE_MAX)) {
      fail('expectedPriceCents', `expectedPriceCents must be an integer between 0 and ${PRICE_MAX}`);
    }
    const problems = Object.values(fields).flat();
    if (problems.length > 0) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.join('; '), fields });
    return {
      courseId: courseId as string,
      paymentMethod: paymentMethod as PaymentMethod,
      expectedPriceCents: expectedPriceCents as number | undefined,
    };
  }
}
