import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures');

/** One request frame body (no size prefix) as a real client wrote it. */
export interface CapturedFrame {
  client: string;
  apiKey: number;
  apiVersion: number;
  hex: string;
}

export function loadFixtures(file: string): CapturedFrame[] {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as CapturedFrame[];
}
