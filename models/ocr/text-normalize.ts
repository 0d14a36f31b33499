// Text clean-up for the Chinese+English PP-OCR dictionary on Latin-script lines.

/** CJK ideographs, kana and hangul: lines containing any keep full-width punctuation. */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/**
 * The recognizer often reads an ASCII comma, colon or bracket as its full-width twin (U+FF01–FF5E),
 * which is right in Chinese text and wrong in English. On lines without CJK characters each
 * full-width form becomes its ASCII character (one character for one, so positions stay aligned).
 */
export function latinizeFullwidth(chars: readonly string[]): string[] {
  if (chars.some((c) => CJK.test(c))) return [...chars];
  return chars.map((c) => {
    const cp = c.codePointAt(0)!;
    if (c.length === 1 && cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0);
    if (cp === 0x3000) return ' ';
    return c;
  });
}

/** Characters that never take a space before them (closing punctuation) or after them (opening). */
export const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '!', '?', ')', ']', '}', '%', '’', '”', '，', '。', '；', '：', '！', '？', '）']);
export const NO_SPACE_AFTER = new Set(['(', '[', '{', '‘', '“', '（']);
