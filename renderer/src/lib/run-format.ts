// How a model run's numbers read in the panel: timings in ms or s, tokens per second, and the
// execution providers (one word when every part of the model ran on the same one).
import type { RunRecord, RunTimings } from '../../../preload/contract';

export { MAX_NEW_TOKENS } from '../../../preload/contract/limits';

export function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The timings worth a glance, in the order a person reads a run: first token, speed, total. */
export function timingParts(t: RunTimings): { label: string; value: string; title: string }[] {
  const parts = [
    { label: 'first token', value: formatMs(t.timeToFirstTokenMs), title: 'From the model call to the first generated token' },
    ...(t.decodeTokensPerSecond !== null ? [{ label: 'speed', value: `${t.decodeTokensPerSecond.toFixed(1)} tok/s`, title: 'Tokens per second after the first' }] : []),
    { label: 'total', value: formatMs(t.renderMs + t.loadMs + t.totalMs), title: 'Page render + model load + generation' },
    { label: 'vision', value: t.visionCached ? 'cached' : formatMs(t.visionMs), title: 'Image encoder (cached when this page was seen at this resolution before)' },
    { label: 'prefill', value: formatMs(t.prefillMs), title: 'Prompt embedding and the decoder’s first pass' },
    { label: 'load', value: t.modelLoaded ? formatMs(t.loadMs) : 'reused', title: 'Loading the model (reused when it was already loaded)' },
    { label: 'page', value: formatMs(t.renderMs), title: 'Rendering the page at full resolution' },
  ];
  return parts;
}

/** "cpu" when every part ran on the CPU; "decoder cuda · vision_encoder cpu …" when they differ. */
export function providerLabel(providers: Record<string, string>): string {
  const values = [...new Set(Object.values(providers))];
  if (values.length === 0) return 'not loaded';
  if (values.length === 1) return values[0]!;
  return Object.entries(providers).map(([part, p]) => `${part} ${p}`).join(' · ');
}

/** Everything a run kept, as the JSON the Raw view shows (and a person may copy). */
export function rawRun(run: RunRecord): string {
  const { text, ids, logprobs, finishReason, promptText, maxNewTokens, strategy, model, providers, dtypes, timings, status, error, startedAt, parsed } = run;
  const json = JSON.stringify(
    { status, text, ids, logprobs: logprobs.map((l) => Number(l.toFixed(4))), finishReason, prompt: promptText, maxNewTokens, strategy, model: model.name, modelFolder: model.location, providers, dtypes, timings, error, startedAt, ...(parsed ? { parsed } : {}) },
    null,
    2,
  );
  // Token ids and log-probabilities on one line each, not one number per line.
  return json.replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, numbers: string) => `[${numbers.replace(/,\n\s*/g, ', ')}]`);
}
