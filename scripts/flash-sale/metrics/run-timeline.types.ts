import type { StackProbe } from '../stack/stack.types';
import type { Bucket } from './stage-work';

/** Items each stage has finished so far, from PostgreSQL. */
export interface StageProgress {
  /** Course checks recorded by course-validation (catalog.course_checks rows). */
  courseChecks: number;
  /** Charges payment finished at a gateway, succeeded or declined (payments rows with completed_at). */
  charges: number;
}

/** When this run's orders moved through the pipeline, from the rows' own timestamps. */
export interface RunTimeline {
  bucketSeconds: number;
  /** Seconds since the burst started: the first order row's created_at (the first accepted order). */
  firstAcceptedAt: number | null;
  /** Milliseconds from the first accepted order to the first order that is final (CONFIRMED or REJECTED). */
  firstFinalAfterMs: number | null;
  /** Orders by created_at (intake time): the arrivals at auth and course-validation. */
  accepted: Bucket[];
  /** Course checks by checked_at. */
  courseChecked: Bucket[];
  /** Orders by validated_at (both checks passed, seat held): the arrivals at payment. */
  validated: Bucket[];
  /** Charges by completed_at, any status. */
  charged: Bucket[];
}

/**
 * Read-only queries the figures need beyond StackProbe. A probe without them (a test's fake)
 * still runs; the figures built from them are then null.
 */
export interface StageQueries {
  stageProgress(): Promise<StageProgress>;
  /** Buckets `bucketMs` wide, times relative to `originWallMs` (Date.now() at the burst start). */
  runTimeline(originWallMs: number, bucketMs: number): Promise<RunTimeline>;
}

export function hasStageQueries(probe: StackProbe): probe is StackProbe & StageQueries {
  const p = probe as Partial<StageQueries>;
  return typeof p.stageProgress === 'function' && typeof p.runTimeline === 'function';
}
