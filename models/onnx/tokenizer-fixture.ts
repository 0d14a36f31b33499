// A Gemma-shaped tokenizer.json for fixtures: BPE with byte_fallback, the Gemma special ids (<pad>=0, <eos>=1, <bos>=2,
// <unk>=3, <end_of_turn>=107, "\n"=108), byte pieces, a few hundred text pieces, then 1024 <locNNNN>, 128 <segNNN> and
// <image>. Real PaliGemma places those at 256000 / 257024 / 257152; fixtures put them right after `baseSize` text
// pieces (tiny: 640 ⇒ <loc0000>=640, <seg000>=1664, <image>=1792, vocab 1856), and config.json uses the same ids.

export interface TokenizerLayout { baseSize: number; locStart: number; segStart: number; imageId: number; vocabSize: number }

export function tokenizerLayout(baseSize: number): TokenizerLayout {
  const imageId = baseSize + 1024 + 128;
  return { baseSize, locStart: baseSize, segStart: baseSize + 1024, imageId, vocabSize: Math.ceil((imageId + 1) / 64) * 64 };
}

const WORDS = ['caption', 'describe', 'detect', 'segment', 'answer', 'question', 'ocr', '▁en', '▁the', '▁a', '▁cat',
  '▁dog', '▁car', '▁what', '▁is', '▁on', '▁in', '▁of', '▁and', '▁flower', '▁person', '▁table', '▁blue', '▁white',
  '▁parked', '▁street', '▁text', '▁red', '▁sign'];
const CHARS = '▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?\'"-()/<>=+*&%$#@';

interface AddedToken { id: number; content: string; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean; special: boolean }

/** Builds tokenizer.json (as an object) with `baseSize` ids before the loc/seg/image block. */
export function buildTokenizerJson(baseSize: number): { json: object; layout: TokenizerLayout } {
  const layout = tokenizerLayout(baseSize);
  const vocab = new Map<string, number>();
  const added: AddedToken[] = [];
  const put = (piece: string, special?: boolean) => {
    if (vocab.has(piece)) return;
    const id = vocab.size;
    vocab.set(piece, id);
    if (special !== undefined) added.push({ id, content: piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special });
  };
  ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>', '[@BOS@]'].forEach((p) => put(p, true));
  for (let i = 0; vocab.size < 106; i++) put(`<unused${i}>`, true);
  put('<start_of_turn>', true);
  put('<end_of_turn>', true);
  put('\n');
  for (let b = 0; b < 256; b++) put(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  for (const c of CHARS) put(c);
  const merges: string[] = [];
  const seen = new Set<string>();
  for (const w of WORDS) {
    const cs = [...w];
    let cur = cs[0]!;
    for (const c of cs.slice(1)) {
      const m = `${cur} ${c}`;
      if (!seen.has(m)) { seen.add(m); merges.push(m); }
      cur += c;
      put(cur);
    }
  }
  if (vocab.size > baseSize) throw new Error(`tokenizer fixture: ${vocab.size} text pieces do not fit in baseSize ${baseSize}`);
  let unused = 100;
  while (vocab.size < baseSize) put(`<unused${unused++}>`, true);
  for (let i = 0; i < 1024; i++) put(`<loc${String(i).padStart(4, '0')}>`, false);
  for (let i = 0; i < 128; i++) put(`<seg${String(i).padStart(3, '0')}>`, false);
  put('<image>', true);
  if (vocab.get('<image>') !== layout.imageId) throw new Error('tokenizer fixture: <image> id mismatch');
  const json = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: added,
    normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    pre_tokenizer: null,
    // No template <bos>: the PaliGemma processors insert <bos> themselves after the image tokens, and the published
    // tokenizer yields exactly one BOS (258 ids for an empty prompt at 224, doc §3.2).
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: {},
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
    },
    model: {
      type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false,
      vocab: Object.fromEntries(vocab), merges,
    },
  };
  return { json, layout };
}

export function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'GemmaTokenizer', processor_class: 'PaliGemmaProcessor',
    add_bos_token: false, add_eos_token: false, clean_up_tokenization_spaces: false,
    bos_token: '<bos>', eos_token: '<eos>', pad_token: '<pad>', unk_token: '<unk>',
    model_max_length: 1000000000000000019884624838656, padding_side: 'left',
  };
}
