// A small stderr progress bar for the CLI: redrawn in place on a terminal, one line per page
// otherwise (so logs of batch runs still show progress without control characters).
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class ProgressBar {
  private lastLen = 0;
  constructor(
    private readonly out: ProgressStream,
    private readonly total: number,
  ) {}

  /** Called while a page is in progress (terminal only). */
  update(done: number, label: string): void {
    if (!this.out.isTTY) return;
    const width = 24;
    const frac = this.total ? Math.min(1, done / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(done)}/${this.total} pages ${label}`;
    const max = Math.max(20, (this.out.columns ?? 100) - 1);
    const line = bar.length > max ? bar.slice(0, max) : bar;
    this.out.write(`\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}`);
    this.lastLen = line.length;
  }

  /** Called when a page is finished. */
  pageDone(done: number, label: string): void {
    if (this.out.isTTY) this.update(done, label);
    else this.out.write(`ocr: ${done}/${this.total} pages (${label})\n`);
  }

  /** Clears the bar before other messages are printed. */
  clear(): void {
    if (this.out.isTTY && this.lastLen) {
      this.out.write(`\r${' '.repeat(this.lastLen)}\r`);
      this.lastLen = 0;
    }
  }
}
