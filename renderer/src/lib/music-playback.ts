// Playback of a music result's notes with a small WebAudio synth: one oscillator and one gain envelope per note,
// all scheduled up front on the audio clock (which keeps time far better than timers). The scheduling is plain
// arithmetic over the notes, kept apart from the audio calls so it is unit-tested; the audio part takes any object
// with the few AudioContext methods it uses, so the tests drive it with a fake.

export interface PlayableNote {
  onMs: number;
  offMs: number;
  /** MIDI note number. */
  pitch: number;
}

export interface ScheduledTone {
  /** Audio-clock seconds. */
  start: number;
  /** When the sustain ends and the release begins. */
  releaseAt: number;
  /** When the tone is silent and its oscillator stops. */
  stop: number;
  frequency: number;
  /** Peak gain of this tone. */
  gain: number;
}

export const SYNTH = {
  /** Seconds between pressing Play and the first note, so the first tone is not clipped. */
  leadIn: 0.06,
  attack: 0.012,
  release: 0.08,
  /** Shortest tone, so a grace-note-sized value is still heard. */
  minDuration: 0.03,
  /** Summed peak gain when the most notes sound at once: keeps chords from clipping. */
  headroom: 0.6,
  /** Loudest single tone. */
  maxGain: 0.22,
} as const;

/** Equal temperament, A4 (MIDI 69) = 440 Hz. */
export function midiToFrequency(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** The most notes sounding at one moment (a note ending exactly when another starts does not overlap it). */
export function peakPolyphony(notes: readonly PlayableNote[]): number {
  const edges = notes.flatMap((n) => [
    { t: n.onMs, d: 1 },
    { t: Math.max(n.offMs, n.onMs), d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** Tones for `notes` starting `startAt` seconds on the audio clock; notes before `fromMs` are skipped. */
export function scheduleTones(notes: readonly PlayableNote[], startAt: number, fromMs = 0): ScheduledTone[] {
  const playing = notes.filter((n) => n.offMs > fromMs && Number.isFinite(n.onMs) && Number.isFinite(n.offMs));
  const gain = Math.min(SYNTH.maxGain, SYNTH.headroom / Math.max(1, peakPolyphony(playing)));
  const origin = startAt + SYNTH.leadIn;
  return playing.map((n) => {
    const start = origin + Math.max(0, n.onMs - fromMs) / 1000;
    const length = Math.max(SYNTH.minDuration, (n.offMs - Math.max(n.onMs, fromMs)) / 1000);
    const releaseAt = start + Math.max(SYNTH.attack, length);
    return { start, releaseAt, stop: releaseAt + SYNTH.release, frequency: midiToFrequency(n.pitch), gain };
  });
}

/** How long playing `notes` takes, in milliseconds, release tails included. */
export function playbackLengthMs(notes: readonly PlayableNote[]): number {
  const tones = scheduleTones(notes, 0);
  return tones.length === 0 ? 0 : Math.round(Math.max(...tones.map((t) => t.stop)) * 1000);
}

/** The parts of AudioContext the synth uses. */
export interface AudioContextLike {
  readonly currentTime: number;
  readonly destination: AudioNode | object;
  createOscillator(): OscillatorLike;
  createGain(): GainLike;
}
export interface OscillatorLike {
  type: string;
  frequency: { setValueAtTime(value: number, time: number): unknown };
  connect(node: never): unknown;
  start(when: number): void;
  stop(when: number): void;
  disconnect(): void;
}
export interface GainLike {
  gain: {
    setValueAtTime(value: number, time: number): unknown;
    linearRampToValueAtTime(value: number, time: number): unknown;
    cancelScheduledValues(time: number): unknown;
  };
  connect(node: never): unknown;
  disconnect(): void;
}

export interface Playback {
  /** Silences every tone now (a short ramp, not a click) and releases the audio nodes. */
  stop(): void;
  /** Milliseconds from now until the last tone has faded. */
  readonly lengthMs: number;
}

/** Schedules every note on `ctx` and returns the handle to stop them. */
export function startPlayback(ctx: AudioContextLike, notes: readonly PlayableNote[]): Playback {
  const tones = scheduleTones(notes, ctx.currentTime);
  const voices = tones.map((tone) => {
    const osc = ctx.createOscillator();
    const amp = ctx.createGain();
    // A triangle wave: soft like a simple keyboard, and its odd harmonics keep bass notes audible on small speakers.
    osc.type = 'triangle';
    osc.frequency.setValueAtTime(tone.frequency, tone.start);
    amp.gain.setValueAtTime(0, tone.start);
    amp.gain.linearRampToValueAtTime(tone.gain, tone.start + SYNTH.attack);
    amp.gain.setValueAtTime(tone.gain, tone.releaseAt);
    amp.gain.linearRampToValueAtTime(0, tone.stop);
    osc.connect(amp as never);
    amp.connect(ctx.destination as never);
    osc.start(tone.start);
    osc.stop(tone.stop);
    return { osc, amp };
  });
  const lengthMs = tones.length === 0 ? 0 : Math.round((Math.max(...tones.map((t) => t.stop)) - ctx.currentTime) * 1000);
  let stopped = false;
  return {
    lengthMs,
    stop() {
      if (stopped) return;
      stopped = true;
      const now = ctx.currentTime;
      for (const { osc, amp } of voices) {
        amp.gain.cancelScheduledValues(now);
        amp.gain.setValueAtTime(0, now);
        try {
          osc.stop(now + 0.01);
        } catch {
          // Already stopped (its tone had ended).
        }
        osc.disconnect();
        amp.disconnect();
      }
    },
  };
}
