// Worker-thread entry: one evaluation (truth from the project's reviews or from a folder of truth files, scored and
// summarised) off the thread that asked for it, with progress. One job per worker; stopping the worker cancels it.
import { parentPort } from 'node:worker_threads';
import { evaluate, type EvalProgress } from './evaluate';
import { byStem, truthFromFolder } from './truth-files';
import type { EvalJob, EvalWorkerMessage } from './in-worker';

const port = parentPort;
if (!port) throw new Error('eval-worker must be started as a worker thread');
const send = (m: EvalWorkerMessage) => port.postMessage(m);

port.once('message', (job: EvalJob) => {
  void run(job).then(
    (report) => send({ type: 'done', report }),
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});

async function run(job: EvalJob) {
  const onProgress = (progress: EvalProgress) => send({ type: 'progress', progress });
  const options = { tasks: job.tasks, models: job.models, resamples: job.resamples, onProgress };
  if (job.truth.kind === 'reviewed') return evaluate(job.truth.truths, job.predictions, { truthLabel: 'reviewed results', ...options });
  const { truths, notes } = await truthFromFolder(job.truth.dir, { task: job.task, onProgress: (done, total) => onProgress({ stage: 'truth', done, total }) });
  if (!truths.length) throw new Error(`${job.truth.label}: no truth file found (${notes.length ? notes.slice(0, 5).join('; ') : 'expected .txt, .xml, .html, .krn, .smi or COCO .json files'})`);
  const report = await evaluate(truths, job.predictions, { truthLabel: `files in ${job.truth.label}`, pageKey: byStem, ...options });
  report.notes.unshift(...notes);
  return report;
}
