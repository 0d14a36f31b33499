// A reviewed molecule → the SMILES of a training suffix: RDKit's canonical isomeric SMILES (what the molecule result
// already holds), so one structure always has one target string however the model or the reviewer wrote it.
import { SerializeError } from '../serialize';
import type { MoleculeResult } from './result';

export function serializeSmiles(m: Pick<MoleculeResult, 'valid' | 'canonical' | 'input' | 'error'>): string {
  if (!m.valid || !m.canonical) throw new SerializeError(`the SMILES ${JSON.stringify(m.input)} is not valid${m.error ? `: ${m.error}` : ''}`);
  return m.canonical;
}
