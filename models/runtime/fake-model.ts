// A StepModel over a table of next-token distributions, for decode-loop tests without ONNX. It counts live states so
// tests can check that every state is released, including on cancellation and errors.
import type { DecodeStart, StepModel } from './decode';

export interface FakeState { prefix: number[]; id: number }

export class FakeModel implements StepModel<FakeState> {
  live = new Set<number>();
  steps = 0;
  private next = 0;
  /** Runs before each step returns (e.g. to abort a signal mid-generation). */
  onStep?: (s: FakeState, token: number) => void;

  /** `dist(prefix)` gives probabilities (or raw logits when `raw`) for the token after `prefix`. */
  constructor(private readonly dist: (prefix: number[]) => number[], private readonly raw = false) {}

  private logits(prefix: number[]): Float32Array {
    const d = this.dist(prefix);
    return Float32Array.from(d, (v) => (this.raw ? v : Math.log(v)));
  }

  private make(prefix: number[]): FakeState {
    const s = { prefix, id: this.next++ };
    this.live.add(s.id);
    return s;
  }

  start(): DecodeStart<FakeState> { return { state: this.make([]), logits: this.logits([]) }; }

  async step(s: FakeState, token: number): Promise<{ logits: Float32Array; state: FakeState }> {
    if (!this.live.has(s.id)) throw new Error(`fake model: step on released state ${s.id}`);
    this.steps++;
    const prefix = [...s.prefix, token];
    const state = this.make(prefix);
    this.onStep?.(s, token);
    return { logits: this.logits(prefix), state };
  }

  release(s: FakeState): void {
    if (!this.live.delete(s.id)) throw new Error(`fake model: state ${s.id} released twice`);
  }
}
