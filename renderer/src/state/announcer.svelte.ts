// What screen readers hear of long work: one polite message when OCR or a model run starts, a page of a long OCR run is
// done, and when it finishes — never each token or progress tick. The status bar holds the live region that speaks it.
export class Announcer {
  message = $state('');
  #count = 0;

  say(text: string): void {
    // Screen readers speak a live region when its text changes; the same sentence twice in a row (two pages finishing
    // alike) differs by an invisible mark so it is spoken again.
    this.#count++;
    this.message = this.#count % 2 === 0 ? `${text}\u200b` : text;
  }
}

export const announcer = new Announcer();
