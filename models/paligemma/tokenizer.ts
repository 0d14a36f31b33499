// PaliGemma prompt building and detokenization on top of @huggingface/tokenizers (the tokenizer.json
// implementation transformers.js uses), so SentencePiece/BPE details come from a maintained library.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { EngineError } from '../runtime/errors';

export interface PromptIds {
  /** `[<image>]×N, <bos>, prefix…, "\n"` (doc §3.2). */
  ids: number[];
  /** Length of the bidirectional prefix block = ids.length (everything in the prompt is prefix). */
  prefixLength: number;
  numImageTokens: number;
}

export interface SpecialIds { bos: number; eos: number; newline: number; image: number; pad: number }

export class PaliGemmaTokenizer {
  readonly special: SpecialIds;

  constructor(private readonly tok: Tokenizer, imageTokenIndex: number) {
    const need = (piece: string): number => {
      const id = tok.token_to_id(piece);
      if (id === undefined) throw new EngineError('INPUT_MISMATCH', `tokenizer.json has no ${JSON.stringify(piece)} token; expected a Gemma/PaliGemma tokenizer`);
      return id;
    };
    this.special = { bos: need('<bos>'), eos: need('<eos>'), newline: need('\n'), pad: need('<pad>'), image: imageTokenIndex };
    const image = tok.token_to_id('<image>');
    if (image !== undefined && image !== imageTokenIndex) {
      throw new EngineError('INPUT_MISMATCH', `tokenizer.json maps <image> to ${image} but config.json image_token_index is ${imageTokenIndex}`);
    }
  }

  /** Reads tokenizer.json (+ tokenizer_config.json when present) from a model folder. */
  static async fromDir(dir: string, imageTokenIndex: number): Promise<PaliGemmaTokenizer> {
    const read = async (name: string, required: boolean): Promise<object | null> => {
      try {
        return JSON.parse(await readFile(join(dir, name), 'utf8')) as object;
      } catch (e) {
        if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'MODEL_NOT_FOUND' : 'INPUT_MISMATCH';
        throw new EngineError(code, `${join(dir, name)}: ${(e as Error).message}; expected a Hugging Face tokenizer file`, { cause: e });
      }
    };
    const json = (await read('tokenizer.json', true))!;
    const cfg = (await read('tokenizer_config.json', false)) ?? {};
    return new PaliGemmaTokenizer(new Tokenizer(json, cfg), imageTokenIndex);
  }

  /** Prompt text → ids, without special tokens (the engine places <bos> and "\n" itself). */
  encodeText(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * `[<image>]×N, <bos>, prefix, "\n"`. The prefix and "\n" are tokenized separately, as big_vision does, so a
   * prefix ending in text can never merge with the separator (doc §3.2, §10.4).
   */
  buildPrompt(prefix: string, numImageTokens: number): PromptIds {
    if (prefix.includes('<image>')) {
      throw new EngineError('BAD_INPUT', `prompt ${JSON.stringify(prefix.slice(0, 80))} contains "<image>"; the engine inserts the ${numImageTokens} image tokens itself`);
    }
    const text = this.encodeText(prefix);
    if (text.includes(this.special.bos)) throw new EngineError('BAD_INPUT', 'prompt contains "<bos>"; expected plain task text such as "caption en"');
    const ids = [...Array<number>(numImageTokens).fill(this.special.image), this.special.bos, ...text, this.special.newline];
    return { ids, prefixLength: ids.length, numImageTokens };
  }

  /**
   * Generated ids → text. Special tokens (<eos>, <pad>, <image>, …) are skipped; <locNNNN>/<segNNN> are ordinary added
   * tokens in PaliGemma's tokenizer, so they stay in the text for the detection/segmentation parsers (doc §2.5).
   */
  decode(ids: readonly number[]): string {
    return this.tok.decode([...ids], { skip_special_tokens: true });
  }

  idToToken(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }
}

/**
 * Turns a growing id sequence into text deltas for streaming. Decoding the whole sequence each time keeps
 * multi-token characters (byte-fallback pieces) and merges correct; a trailing U+FFFD means an incomplete UTF-8
 * sequence, so it is held back until the next token completes it.
 */
export class TextStreamer {
  private ids: number[] = [];
  private emitted = '';

  constructor(private readonly decode: (ids: number[]) => string) {}

  push(id: number): string {
    this.ids.push(id);
    const full = this.decode(this.ids);
    if (full.endsWith('\uFFFD') || !full.startsWith(this.emitted)) return '';
    const delta = full.slice(this.emitted.length);
    this.emitted = full;
    return delta;
  }

  /** Whatever is still held back (called once decoding ends). */
  flush(): string {
    const full = this.decode(this.ids);
    const delta = full.startsWith(this.emitted) ? full.slice(this.emitted.length) : '';
    this.emitted = full;
    return delta;
  }

  get text(): string { return this.emitted; }
}
