import { describe, expect, it } from 'vitest';
import { kernRecords, kernTokens, musicScores } from './music';

describe('music metrics', () => {
  it('tokenises records, spines and chords', () => {
    expect(kernTokens(kernRecords('**kern\t**kern\r\n4c 4e\t2G\n*-\t*-\n'))).toEqual(['**kern', '<t>', '**kern', '<b>', '4c', '4e', '<t>', '2G', '<b>', '*-', '<t>', '*-', '<b>']);
  });
  it('SER and LER by hand', () => {
    // 8 truth tokens (**kern <b> 4c <b> 4d <b> *- <b>), one substituted: SER 1/8; one of 4 lines wrong: LER 1/4.
    expect(musicScores('**kern\n4c\n4d\n*-', '**kern\n4c\n4e\n*-')).toEqual({ ser: 1 / 8, ler: 1 / 4 });
    // A lost chord note: one deletion of 8 + 1 tokens.
    expect(musicScores('**kern\n4c 4e\n4d\n*-', '**kern\n4c\n4d\n*-').ser).toBeCloseTo(1 / 9, 12);
  });
  it('empty and non-text input is scored', () => {
    expect(musicScores('', '')).toEqual({ ser: 0, ler: 0 });
    expect(musicScores('**kern\n*-', null as unknown as string)).toEqual({ ser: 1, ler: 1 });
  });
});
