/**
 * Records each compatibility scenario's outcome per client, and regenerates the docs'
 * client × feature tables from every client's recorded results (never typed by hand).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCompatibilityDocs } from './compat-report';

export type Outcome = 'pass' | 'fail' | 'refused';

export interface ClientResults {
  client: string;
  features: Record<string, { outcome: Outcome; note?: string }>;
}

export const RESULTS_DIR = join(__dirname, '..', 'results');
const DOCS_DIR = join(__dirname, '..', '..', '..', 'docs');

/** Collects one client's outcomes; `scenario` wraps a jest body so a throw records 'fail'. */
export class CompatRecorder {
  private readonly results: ClientResults;

  constructor(readonly client: string) {
    this.results = { client, features: {} };
  }

  /** Runs `body`; records pass (or `expected` when it resolves to that), fail on a throw. */
  scenario(feature: string, body: () => Promise<void | { outcome: Outcome; note?: string }>): () => Promise<void> {
    return async () => {
      try {
        const result = await body();
        this.results.features[feature] = result ?? { outcome: 'pass' };
      } catch (error) {
        this.results.features[feature] = { outcome: 'fail', note: error instanceof Error ? error.message.split('\n')[0] : String(error) };
        throw error;
      }
    };
  }

  /** Writes this client's results and rewrites docs/compatibility.md (en and zh-CN) from all of them. */
  save(): void {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${this.client.replace(/[^a-zA-Z0-9.-]+/g, '_')}.json`), `${JSON.stringify(this.results, null, 2)}\n`);
    const all = readdirSync(RESULTS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as ClientResults);
    if (!existsSync(DOCS_DIR)) return;
    const { en, zh } = renderCompatibilityDocs(all);
    writeFileSync(join(DOCS_DIR, 'compatibility.md'), en);
    mkdirSync(join(DOCS_DIR, 'zh-CN'), { recursive: true });
    writeFileSync(join(DOCS_DIR, 'zh-CN', 'compatibility.md'), zh);
  }
}
