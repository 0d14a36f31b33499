import { describe, expect, it } from 'vitest';
import {
  midiToFrequency,
  peakPolyphony,
  playbackLengthMs,
  scheduleTones,
  startPlayback,
  SYNTH,
  type AudioContextLike,
  type PlayableNote,
} from './music-playback';

// First two beats of a piano piece at 120 bpm: a left-hand dyad under two right-hand eighths, then a triad.
const NOTES: PlayableNote[] = [
  { onMs: 0, offMs: 500, pitch: 50 },
  { onMs: 0, offMs: 500, pitch: 57 },
  { onMs: 0, offMs: 250, pitch: 62 },
  { onMs: 250, offMs: 500, pitch: 66 },
  { onMs: 500, offMs: 1000, pitch: 54 },
  { onMs: 500, offMs: 1000, pitch: 57 },
  { onMs: 500, offMs: 1000, pitch: 69 },
];

describe('music playback scheduling', () => {
  it('maps MIDI numbers to equal-tempered frequencies', () => {
    expect(midiToFrequency(69)).toBe(440);
    expect(midiToFrequency(60)).toBeCloseTo(261.626, 3);
    expect(midiToFrequency(81)).toBeCloseTo(880, 9);
  });

  it('counts the most notes sounding together, not counting a note that ends as another starts', () => {
    expect(peakPolyphony(NOTES)).toBe(3);
    expect(peakPolyphony([])).toBe(0);
    expect(peakPolyphony([{ onMs: 0, offMs: 100, pitch: 60 }, { onMs: 100, offMs: 200, pitch: 62 }])).toBe(1);
  });

  it('schedules each note on the audio clock after the lead-in, with gain shared by the loudest chord', () => {
    const tones = scheduleTones(NOTES, 10);
    expect(tones).toHaveLength(7);
    const origin = 10 + SYNTH.leadIn;
    expect(tones[0]).toEqual({ start: origin, releaseAt: origin + 0.5, stop: origin + 0.5 + SYNTH.release, frequency: midiToFrequency(50), gain: SYNTH.headroom / 3 });
    expect(tones[3]!.start).toBeCloseTo(origin + 0.25, 12);
    expect(tones[6]!.releaseAt).toBeCloseTo(origin + 1, 12);
    expect(tones.every((t) => t.gain * 3 <= SYNTH.headroom + 1e-12)).toBe(true);
    // A single line plays at the loudest single-tone gain.
    expect(scheduleTones([NOTES[0]!], 0)[0]!.gain).toBe(SYNTH.maxGain);
  });

  it('starts mid-score: skips notes that ended and shortens the ones still sounding', () => {
    const tones = scheduleTones(NOTES, 0, 400);
    expect(tones.map((t) => t.frequency)).toEqual([50, 57, 66, 54, 57, 69].map(midiToFrequency));
    expect(tones[0]!.start).toBe(SYNTH.leadIn);
    expect(tones[0]!.releaseAt).toBeCloseTo(SYNTH.leadIn + 0.1, 12);
    expect(tones[3]!.start).toBeCloseTo(SYNTH.leadIn + 0.1, 12);
  });

  it('gives very short notes a minimum audible length and ignores non-finite times', () => {
    const [tone] = scheduleTones([{ onMs: 0, offMs: 1, pitch: 60 }], 0);
    expect(tone!.releaseAt - tone!.start).toBe(SYNTH.minDuration);
    expect(scheduleTones([{ onMs: Number.NaN, offMs: 5, pitch: 60 }], 0)).toEqual([]);
  });

  it('knows how long a playback lasts', () => {
    expect(playbackLengthMs(NOTES)).toBe(Math.round((SYNTH.leadIn + 1 + SYNTH.release) * 1000));
    expect(playbackLengthMs([])).toBe(0);
  });
});

/** An AudioContext stand-in that records what the synth asks of it. */
function fakeContext(currentTime = 2) {
  const calls: string[] = [];
  const param = (name: string) => ({
    setValueAtTime: (v: number, t: number) => calls.push(`${name}=${v.toFixed(3)}@${t.toFixed(3)}`),
    linearRampToValueAtTime: (v: number, t: number) => calls.push(`${name}->${v.toFixed(3)}@${t.toFixed(3)}`),
    cancelScheduledValues: (t: number) => calls.push(`${name} cancel@${t.toFixed(3)}`),
  });
  let oscillators = 0;
  const ctx: AudioContextLike & { time: number } = {
    time: currentTime,
    get currentTime() {
      return this.time;
    },
    destination: {},
    createOscillator() {
      const id = oscillators++;
      return {
        type: 'sine',
        frequency: param(`osc${id}.freq`),
        connect: () => calls.push(`osc${id} connect`),
        start: (t: number) => calls.push(`osc${id} start@${t.toFixed(3)}`),
        stop: (t: number) => calls.push(`osc${id} stop@${t.toFixed(3)}`),
        disconnect: () => calls.push(`osc${id} disconnect`),
      };
    },
    createGain() {
      return { gain: param('gain'), connect: () => calls.push('gain connect'), disconnect: () => calls.push('gain disconnect') };
    },
  };
  return { ctx, calls, count: () => oscillators };
}

describe('startPlayback', () => {
  it('creates one enveloped oscillator per note, scheduled from the current audio time', () => {
    const { ctx, calls, count } = fakeContext(2);
    const playback = startPlayback(ctx, NOTES.slice(0, 1));
    expect(count()).toBe(1);
    const t0 = 2 + SYNTH.leadIn;
    expect(calls).toEqual([
      `osc0.freq=${midiToFrequency(50).toFixed(3)}@${t0.toFixed(3)}`,
      `gain=0.000@${t0.toFixed(3)}`,
      `gain->${SYNTH.maxGain.toFixed(3)}@${(t0 + SYNTH.attack).toFixed(3)}`,
      `gain=${SYNTH.maxGain.toFixed(3)}@${(t0 + 0.5).toFixed(3)}`,
      `gain->0.000@${(t0 + 0.5 + SYNTH.release).toFixed(3)}`,
      'osc0 connect',
      'gain connect',
      `osc0 start@${t0.toFixed(3)}`,
      `osc0 stop@${(t0 + 0.5 + SYNTH.release).toFixed(3)}`,
    ]);
    expect(playback.lengthMs).toBe(Math.round((SYNTH.leadIn + 0.5 + SYNTH.release) * 1000));
  });

  it('stops every tone at once, once', () => {
    const { ctx, calls, count } = fakeContext(0);
    const playback = startPlayback(ctx, NOTES);
    expect(count()).toBe(7);
    ctx.time = 0.3;
    calls.length = 0;
    playback.stop();
    expect(calls.filter((c) => c.endsWith('stop@0.310'))).toHaveLength(7);
    expect(calls.filter((c) => c === 'gain cancel@0.300')).toHaveLength(7);
    expect(calls.filter((c) => c.endsWith('disconnect'))).toHaveLength(14);
    calls.length = 0;
    playback.stop();
    expect(calls).toEqual([]);
  });
});
