// How long a request to the engine host may take before the host is restarted, for the methods that work on input
// from elsewhere: a model's output (hostile text: "CCCC…" SMILES, a **kern score of 100 000 lines, a table of nested
// tags) parsed by RDKit, Verovio or the table parser, and results written by the exporters. These are pure CPU
// inside WASM or a parser loop, which no signal can stop; killing the process can. Inference and conversion are not
// limited here: they are long by nature and the person cancels them.
import type { EngineMethod, EngineMethods } from './protocol';

// Generous: the first request of a host also loads RDKit or Verovio (seconds on a busy machine); a real output
// parses in well under a second after that.
export const TIME_LIMITS_MS: Partial<Record<EngineMethod, number>> = {
  'tasks.analyze': 30_000,
  'tasks.export': 60_000,
};

const clip = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Names the input of a request in the message that says it took too long. */
export function describeInput<M extends EngineMethod>(method: M, params: EngineMethods[M]['params']): string {
  if (method === 'tasks.analyze') {
    const p = params as EngineMethods['tasks.analyze']['params'];
    return `the ${p.task} output of ${p.raw.length} characters ("${clip(p.raw.replace(/\s+/g, ' '))}")`;
  }
  if (method === 'tasks.export') {
    const p = params as EngineMethods['tasks.export']['params'];
    return `the ${p.from.task} result of ${p.from.documentName} page ${p.from.page + 1} written as ${p.format}`;
  }
  return `the ${method} request`;
}
