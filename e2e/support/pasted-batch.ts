// `paliscope batch` in a child process, with the model's output for each page taken from a file instead of generated:
// the pasted outputs that a task's view needs to show something realistic (a table, a molecule, a score, boxes with
// masks), which the tiny random-weight model never writes. Everything else is the CLI's own path — arguments, the
// documents and their pages, the queue, the one analyze step (models/runs/analyze.ts) and the project store — so the
// project it writes is what a real model's batch would write, apart from the provider, which says "pasted".
//
// usage: node --import tsx e2e/support/pasted-batch.ts OUTPUTS.json <paliscope batch arguments, without --task/--prompt>
//   OUTPUTS.json: { "<task>": { "prompt": "...", "raw": "<the output every page gets>" }, ... }: one batch per task,
//   one after the other in this process (a process each would spend most of the time starting up).
import { readFileSync } from 'node:fs';
import { run } from '../../models/batch/cli';
import type { PageResult, Runner } from '../../models/batch/runner';
import type { RawImage } from '../../models/documents';
import { analyzeRun } from '../../models/runs/analyze';
import { isTaskName } from '../../models/tasks/table';

const [outputsPath, ...argv] = process.argv.slice(2);
if (!outputsPath) {
  process.stderr.write('usage: pasted-batch.ts OUTPUTS.json <paliscope batch arguments...>\n');
  process.exit(2);
}
const outputs = JSON.parse(readFileSync(outputsPath, 'utf8')) as Record<string, { prompt: string; raw: string }>;

let worst = 0;
for (const [task, { prompt, raw }] of Object.entries(outputs)) {
  const code = await run([...argv, '--task', task, '--prompt', prompt], undefined, {
    async createRunner(t, _model, opts): Promise<Runner<RawImage>> {
      if (!isTaskName(t)) throw new Error(`task "${t}" is not a PaliGemma task`);
      return {
        preparePage: (req, signal) => opts.pages.render(req.documentPath, req.page, signal),
        async runPage(req): Promise<PageResult> {
          const seen = req.prepared ? { width: req.prepared.width, height: req.prepared.height } : null;
          const parsed = await analyzeRun({ task: t, raw, seen, vaePath: opts.vaePath ?? null });
          return { raw, parsed: parsed ?? null, logprobs: null, tokens: null, timings: null, provider: 'pasted', error: null };
        },
        close: () => opts.pages.close(),
      };
    },
  });
  if (code !== 0) process.stderr.write(`pasted-batch: --task ${task} exited with ${code}\n`);
  worst = Math.max(worst, code);
}
process.exitCode = worst;
