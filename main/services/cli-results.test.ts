// A project written by `paliscope batch` before every result carried its kind (models/store/fixtures/v2-cli.sql)
// opens with every PaliGemma result readable as the contract's RunParsed, so Review shows it with its view.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../models/store/store';
import { BUILTIN_OCR } from '../../models/tasks/table';
import { asOcrPage, asRunParsed, summarize } from './review-values';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a CLI-written version-2 project', () => {
  it('has every result readable after migration: PaliGemma ones as RunParsed, the built-in OCR as its page', () => {
    dir = mkdtempSync(join(tmpdir(), 'paliscope-cli-results-'));
    const file = join(dir, 'cli.paliscope');
    const db = new Database(file);
    db.exec(readFileSync(new URL('../../models/store/fixtures/v2-cli.sql', import.meta.url), 'utf8'));
    db.pragma('user_version = 2');
    // Before: nothing but the built-in OCR is readable.
    const rows = db.prepare('SELECT task, parsed FROM runs').all() as { task: string; parsed: string }[];
    expect(rows.filter((r) => asRunParsed(JSON.parse(r.parsed)) !== null)).toEqual([]);
    db.close();
    const store = Store.open(file);
    try {
      const results = store.results();
      expect(results).toHaveLength(12);
      for (const { run } of results) {
        if (run.task === BUILTIN_OCR.task) {
          expect(asOcrPage(run.parsed)).not.toBeNull();
          continue;
        }
        const parsed = asRunParsed(run.parsed);
        expect(parsed, `run ${run.id} (${run.task})`).not.toBeNull();
        expect(parsed!.kind).toBe(['detect', 'segment'].includes(run.task) ? 'boxes' : 'text');
      }
      const withBox = results.find((r) => r.run.task === 'detect' && summarize(r.run.parsed).startsWith('1 box'));
      expect(withBox).toBeDefined();
    } finally {
      store.close();
    }
  });
});
