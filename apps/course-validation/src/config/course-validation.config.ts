import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';

/** Capacity of the course check (0 = unlimited): checks started per second, checks in progress at once. */
export const DEFAULT_COURSE_CHECK_RPS = 0;
export const DEFAULT_COURSE_CHECK_CONCURRENCY = 0;

class CourseValidationEnv {
  /** Course checks (with their seat hold) started per second, first come first served (0 = unlimited). */
  @IsInt() @Min(0) @Max(10_000_000) COURSE_CHECK_RPS: number = DEFAULT_COURSE_CHECK_RPS;
  /** Course checks in progress at once (0 = unlimited). */
  @IsInt() @Min(0) @Max(10_000_000) COURSE_CHECK_CONCURRENCY: number = DEFAULT_COURSE_CHECK_CONCURRENCY;
}

export interface CourseValidationConfig {
  checkRps: number;
  checkConcurrency: number;
}

export const courseValidationConfig = registerAs('courseValidation', (): CourseValidationConfig => {
  const env = validateEnv(CourseValidationEnv, process.env);
  return { checkRps: env.COURSE_CHECK_RPS, checkConcurrency: env.COURSE_CHECK_CONCURRENCY };
});
