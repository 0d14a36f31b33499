// embed_tokens graph: input_ids [B, S] int64 → inputs_embeds [B, S, d], the raw table rows (the ×√d is inside the
// decoder, doc §2.3).
import { T } from '../weights';
import type { WeightEmitter } from './emit';
import type { CheckpointSource } from './source';

export function buildEmbedGraph(src: CheckpointSource, e: WeightEmitter): void {
  const t = src.spec.text;
  const ids = e.g.input('input_ids', 'INT64', ['batch_size', 'sequence_length']);
  const rows = e.embedding(ids, 'embed_tokens', src.rows(`${T}embed_tokens.weight`), t.vocab, t.hidden);
  e.g.output('inputs_embeds', 'FLOAT', ['batch_size', 'sequence_length', t.hidden], rows);
}
