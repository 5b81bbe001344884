import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateOrderDto } from './create-order.dto';
import { OrderBodyPipe } from './order-body.pipe';

const sut = new OrderBodyPipe();

function fieldsOf(body: unknown): string[] {
  try {
    sut.transform(body);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return Object.keys(((err as BadRequestException).getResponse() as { fields: Record<string, string[]> }).fields).sort();
  }
}

/** The DTO's class-validator rules, for comparison. */
function dtoFields(body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(CreateOrderDto, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((e) => e.property).sort();
}

describe(OrderBodyPipe.name, () => {
  const cases: Array<Record<string, unknown>> = [
    { courseId: 'ddd-101', paymentMethod: 'alipay' },
    { courseId: 'ddd-101', paymentMethod: 'wechat', expectedPriceCents: 990 },
    { paymentMethod: 'alipay' },
    { courseId: 42, paymentMethod: 'alipay' },
    { courseId: 'a b', paymentMethod: 'alipay' },
    { courseId: 'x'.repeat(101), paymentMethod: 'alipay' },
    { courseId: 'c', paymentMethod: 'paypal' },
    { courseId: 'c' },
    { courseId: 'c', paymentMethod: 'alipay', expectedPriceCents: -1 },
    { courseId: 'c', paymentMethod: 'alipay', expectedPriceCents: 1.5 },
    { courseId: 'c', paymentMethod: 'alipay', admin: true },
    {},
  ];

  it.each(cases)('agrees with the CreateOrderDto rules on %j', (body) => {
    expect(fieldsOf(body)).toEqual(dtoFields(body));
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsOf([1, 2])).toEqual(['body']);
    expect(fieldsOf('text')).toEqual(['body']);
  });

  it('returns only the known fields', () => {
    expect(sut.transform({ courseId: 'c', paymentMethod: 'wechat' })).toEqual({ courseId: 'c', paymentMethod: 'wechat', expectedPriceCents: undefined });
  });
});
