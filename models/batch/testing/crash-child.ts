// Child process for the crash tests (run with tsx). Prints one "ack …" line on stdout after each write is committed,
// so the parent knows exactly what was acknowledged before it SIGKILLs this process.
//   batch  <store> <documents> <pagesEach> <runMs>   run (or resume) a fake batch to the end
//   review <store> <runs> <rounds>                  review, correct and undo runs over and over
import { Store } from '../../store/store';
import { BatchQueue } from '../queue';
import { fakeRunner, seedFakeBatch } from './fake';

const [mode, path, a, b, c] = process.argv.slice(2);
const store = Store.open(path!);
const out = (s: string) => process.stdout.write(`${s}\n`);

if (mode === 'batch') {
  const batchId = seedFakeBatch(store, { documents: Number(a), pagesEach: Number(b) });
  const queue = new BatchQueue(store, batchId, fakeRunner({ runMs: Number(c), prepareMs: 2 }), {
    onEvent: (e) => { if (e.type === 'item') out(`ack ${e.item.id} ${e.run?.id ?? 0}`); },
  });
  out('ready');
  const counts = await queue.run();
  out(`finished ${JSON.stringify(counts)}`);
} else if (mode === 'review') {
  const runs: number[] = [];
  const { document } = store.registerDocument({ path: '/fake/review.tif', sha256: 'f'.repeat(64), pageCount: 1, size: 1 });
  const [page] = store.ensurePages(document.id, [{ index: 0 }]);
  for (let i = 0; i < Number(a); i++) runs.push(store.addRun({ pageId: page!.id, modelId: 'm', modelName: 'm', task: 'ocr', prompt: 'ocr', raw: `line ${i}`, status: 'done' }).id);
  out('ready');
  for (let round = 0; round < Number(b); round++) {
    for (const runId of runs) {
      const k = (round + runId) % 4;
      if (k === 0) store.setReview(runId, { status: 'accepted' });
      else if (k === 1) store.setReview(runId, { status: 'corrected', value: { text: `line ${runId} fixed in round ${round}`, padding: 'x'.repeat(2000) }, note: `round ${round}` });
      else if (k === 2) store.setReview(runId, { status: 'rejected', note: 'unreadable' });
      else store.undoReview(runId);
      out(`ack ${runId} ${store.reviewHistory(runId).length}`);
    }
  }
  out('finished');
}
store.close();
