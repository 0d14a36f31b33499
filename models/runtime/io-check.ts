// Load-time check of a session's inputs and outputs against what a model family declares, so a wrong or foreign
// ONNX file fails with a message naming the missing or mistyped tensor instead of a shape error mid-generation.
import type * as ort from 'onnxruntime-node';
import { EngineError } from './errors';

export interface TensorDecl {
  name: string;
  type: ort.Tensor.Type;
  /** Accepted when present and fed by the engine, not required (e.g. inputs only some exports declare). */
  optional?: boolean;
}
export interface IoDecl { inputs: TensorDecl[]; outputs: TensorDecl[] }

type Meta = ort.InferenceSession['inputMetadata'];

function compare(kind: 'input' | 'output', declared: TensorDecl[], names: readonly string[], meta: Meta | undefined): string[] {
  const problems: string[] = [];
  const byName = new Map((meta ?? []).map((m) => [m.name, m]));
  for (const d of declared) {
    if (!names.includes(d.name)) { if (!d.optional) problems.push(`missing ${kind} "${d.name}" (${d.type})`); continue; }
    const m = byName.get(d.name);
    if (m && m.isTensor && m.type !== d.type) problems.push(`${kind} "${d.name}" is ${m.type}, expected ${d.type}`);
  }
  if (kind === 'input') {
    // An extra required input we would not feed is as fatal as a missing one.
    const known = new Set(declared.map((d) => d.name));
    for (const n of names) if (!known.has(n)) problems.push(`unexpected input "${n}" (the engine would not feed it)`);
  }
  return problems;
}

/** Throws INPUT_MISMATCH listing every problem; returns nothing when the session matches. */
export function checkIo(session: Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>, decl: IoDecl, what: string): void {
  const problems = [
    ...compare('input', decl.inputs, session.inputNames, session.inputMetadata),
    ...compare('output', decl.outputs, session.outputNames, session.outputMetadata),
  ];
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; and ${problems.length - 8} more` : '');
    throw new EngineError('INPUT_MISMATCH', `${what}: ${shown}. Inputs found: [${session.inputNames.join(', ')}]; outputs: [${session.outputNames.join(', ')}]`);
  }
}
