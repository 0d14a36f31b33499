// Crash safety, for real: a child process writes to a store file and prints "ack" after each commit; the test
// SIGKILLs it mid-way, reopens the file and checks that everything acknowledged is there exactly once, that the store
// is sound, and that the work completes when started again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store';

const CHILD = new URL('./testing/crash-child.ts', import.meta.url).pathname;

interface ChildRun { acks: string[][]; finished: string | null; signal: NodeJS.Signals | null }

/**
 * Runs the child; kills it with SIGKILL `delayMs` after its `killAfterAcks`-th ack (never when undefined). A delay
 * lands the kill in the middle of the next item rather than between items.
 */
function runChild(args: string[], killAfterAcks?: number, delayMs = 0): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: string[][] = [];
    let finished: string | null = null;
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, ...rest] = line.split(' ');
      if (kind === 'ack') {
        acks.push(rest);
        if (killAfterAcks !== undefined && acks.length === killAfterAcks) setTimeout(() => child.kill('SIGKILL'), delayMs);
      } else if (kind === 'finished') finished = rest.join(' ');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ acks, finished, signal });
    });
  });
}

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paliscope-crash-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('a batch SIGKILLed mid-way keeps every acknowledged page exactly once and completes on restart', async () => {
    const file = join(dir, 'crash.paliscope');
    const args = ['batch', file, '4', '10', '40']; // 40 pages, 40 ms each
    const first = await runChild(args, 12, 15);
    expect(first.signal).toBe('SIGKILL');
    expect(first.finished).toBeNull();

    const mid = Store.open(file);
    expect(mid.check()).toEqual([]);
    const batch = mid.batches()[0]!;
    const items = new Map(mid.batchItems(batch.id).map((i) => [i.id, i]));
    expect(items.size).toBe(40);
    for (const [itemId, runId] of first.acks) {
      const item = items.get(Number(itemId))!;
      expect(item.status).toBe('done');
      expect(item.runId).toBe(Number(runId));
    }
    // The page on the model at the kill is either finished (committed just before the kill) or still 'running'.
    const counts = mid.batchCounts(batch.id);
    expect(counts.done).toBeGreaterThanOrEqual(first.acks.length);
    expect(counts.running).toBeLessThanOrEqual(1);
    expect(counts.done + counts.queued + counts.running).toBe(40);
    expect(mid.results()).toHaveLength(counts.done);
    mid.close();

    const second = await runChild(args);
    expect(second.finished).toMatch(/"done":40/);
    const done = Store.open(file);
    expect(done.check()).toEqual([]);
    expect(done.batch(batch.id)!.status).toBe('done');
    const runs = done.results();
    // Exactly one run per page: nothing lost, nothing run twice.
    expect(runs).toHaveLength(40);
    expect(new Set(runs.map((r) => `${r.document.id}#${r.page.index}`)).size).toBe(40);
    for (const item of done.batchItems(batch.id)) {
      expect(item.status).toBe('done');
      expect(done.run(item.runId!)!.pageId).toBe(item.pageId);
    }
    // Acknowledged runs are the very same rows after the restart.
    for (const [itemId, runId] of first.acks) expect(done.batchItem(Number(itemId))!.runId).toBe(Number(runId));
    done.close();
  }, 60_000);

  it('a kill mid-review-write leaves reviews consistent with their history, every acknowledged change kept', async () => {
    const file = join(dir, 'reviews.paliscope');
    const first = await runChild(['review', file, '8', '200'], 150);
    expect(first.signal).toBe('SIGKILL');
    const s = Store.open(file);
    expect(s.check()).toEqual([]);
    const acked = new Map<number, number>();
    for (const [runId, n] of first.acks) acked.set(Number(runId), Number(n));
    expect(acked.size).toBe(8);
    for (const [runId, historyLength] of acked) {
      const history = s.reviewHistory(runId);
      // Everything acknowledged is there; at most the one change in flight after it.
      expect(history.length).toBeGreaterThanOrEqual(historyLength);
      expect(history.length).toBeLessThanOrEqual(historyLength + 1);
      // The review in force is exactly the last history entry's state, and each entry's "previous" is the state before it.
      const current = s.review(runId);
      const last = history.at(-1)!;
      expect(current ? { status: current.status, value: current.value, note: current.note } : null).toEqual(last.state);
      for (let i = 1; i < history.length; i++) expect(history[i]!.previous).toEqual(history[i - 1]!.state);
    }
    // Undo still works on the recovered history.
    const runId = [...acked.keys()][0]!;
    const before = s.reviewHistory(runId).at(-1)!;
    expect(s.undoReview(runId)).not.toBeUndefined();
    expect(s.reviewHistory(runId).at(-1)!.undoOf).not.toBeNull();
    expect(before).toBeTruthy();
    s.close();
  }, 60_000);
});
