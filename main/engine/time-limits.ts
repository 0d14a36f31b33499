// How long a request to the engine host may take before the host is restarted, for the methods that work on input
// from elsewhere: a model's output (hostile text: "CCCC…" SMILES, a **kern score of 100 000 lines, a table of nested
// tags) parsed by RDKit, Verovio or the table parser, and results written by the exporters. These are pure CPU
// inside WASM or a parser loop, which no signal can stop; killing the process can. Inference and conversion are not
// limited here: they are long by nature and the person cancels them.
import type { EngineMethod, EngineMethods } from './protocol';

// A real output parses in well under a second. The first request of its kind in a host also loads RDKit, Verovio
// or exceljs (seconds, many on a busy machine): it gets COLD_FACTOR times the limit (see warmKey).
export const TIME_LIMITS_MS: Partial<Record<EngineMethod, number>> = {
  'tasks.analyze': 30_000,
  'runs.analyze': 30_000,
  'tasks.export': 60_000,
  // Reading and checking a mask decoder's weights (inflating at most 256 MiB) takes a few seconds.
  'mask.importDecoder': 60_000,
};

export const COLD_FACTOR = 4;

/** Requests that load the same code share a key: the first of each key in a host is the cold one. */
export function warmKey<M extends EngineMethod>(method: M, params: EngineMethods[M]['params']): string {
  if (method === 'tasks.analyze' || method === 'runs.analyze') return `${method}:${(params as { task: string }).task}`;
  if (method === 'tasks.export') {
    const p = params as EngineMethods['tasks.export']['params'];
    return `${method}:${p.parsed.kind}:${p.format}`;
  }
  return method;
}

/** What the request does, for the message. */
export function verbOf(method: EngineMethod): string {
  return method === 'tasks.export' ? 'write' : method === 'mask.importDecoder' ? 'read' : 'parse';
}

const clip = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Names the input of a request in the message that says it took too long. */
export function describeInput<M extends EngineMethod>(method: M, params: EngineMethods[M]['params']): string {
  if (method === 'tasks.analyze') {
    const p = params as EngineMethods['tasks.analyze']['params'];
    return `the ${p.task} output of ${p.raw.length} characters ("${clip(p.raw.replace(/\s+/g, ' '))}")`;
  }
  if (method === 'runs.analyze') {
    const p = params as EngineMethods['runs.analyze']['params'];
    return `the ${p.task} output of ${p.raw.length} characters ("${clip(p.raw.replace(/\s+/g, ' '))}")`;
  }
  if (method === 'mask.importDecoder') {
    const p = params as EngineMethods['mask.importDecoder']['params'];
    return `the mask decoder file ${p.name} (${(p.bytes.byteLength / 2 ** 20).toFixed(1)} MiB)`;
  }
  if (method === 'tasks.export') {
    const p = params as EngineMethods['tasks.export']['params'];
    return `the ${p.from.task} result of ${p.from.documentName} page ${p.from.page + 1} written as ${p.format}`;
  }
  return `the ${method} request`;
}
