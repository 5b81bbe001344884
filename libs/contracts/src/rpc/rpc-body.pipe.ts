import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { RpcErrorBody } from './rpc.types';
import type { RpcParser } from './rpc-validation';

/**
 * Checks an RPC request body with its parser: `@Body(new RpcBodyPipe(parseX))`. A bad body is
 * answered 400 in the format of the ValidationPipe: `{ statusCode, error, message, fields }`,
 * `fields` naming each bad field. Stateless.
 */
export class RpcBodyPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly parse: RpcParser<T>) {}

  transform(value: unknown): T {
    const parsed = this.parse(value);
    if (parsed.ok) return parsed.value;
    const body: RpcErrorBody = { statusCode: 400, error: 'Bad Request', message: parsed.message, fields: parsed.fields };
    throw new BadRequestException(body);
  }
}
