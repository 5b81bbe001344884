import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function collect(errors: ValidationError[], prefix = '', out: Record<string, string[]> = {}): Record<string, string[]> {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) collect(e.children, path, out);
  }
  return out;
}

/**
 * Body validation: unknown properties are rejected, and a 400 names every bad field:
 * `{ statusCode: 400, error: 'Bad Request', message: 'courseId must be a string', fields: { courseId: [...] } }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = collect(errors);
      const message = Object.values(fields).flat().join('; ') || 'invalid request body';
      return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
    },
  });
}
