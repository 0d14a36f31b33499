// A progress bar on stderr for long CLI work: redrawn in place on a terminal; elsewhere (logs,
// CI) one line at each tenth, so progress shows without control characters.
export interface ProgressOut {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class ProgressBar {
  #lastLen = 0;
  #lastTenth = -1;
  #lastDraw = 0;

  constructor(
    private readonly out: ProgressOut,
    private readonly label: string,
  ) {}

  update(done: number, total: number, detail = ''): void {
    const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const percent = `${(frac * 100).toFixed(0).padStart(3)} %`;
    if (!this.out.isTTY) {
      const tenth = Math.floor(frac * 10);
      if (tenth > this.#lastTenth) this.out.write(`${this.label}: ${percent}${detail ? ` (${detail})` : ''}\n`);
      this.#lastTenth = tenth;
      return;
    }
    // Redraw at most every 100 ms: callers may report thousands of steps.
    const now = Date.now();
    if (frac < 1 && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const width = 24;
    const filled = Math.round(frac * width);
    const text = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}${detail ? ` ${detail}` : ''}`;
    const line = text.slice(0, Math.max(20, (this.out.columns ?? 100) - 1));
    this.out.write(`\r${line}${' '.repeat(Math.max(0, this.#lastLen - line.length))}`);
    this.#lastLen = line.length;
  }

  /** Clears the bar so other messages start on a clean line. */
  clear(): void {
    if (this.out.isTTY && this.#lastLen) this.out.write(`\r${' '.repeat(this.#lastLen)}\r`);
    this.#lastLen = 0;
  }
}
