// The banner list: errors stay until dismissed (a person must be able to read which file failed
// and why); information fades after a few seconds.
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  title: string;
  message: string;
  code?: string;
}

const INFO_LIFETIME_MS = 5000;

export class NoticesState {
  items = $state<Notice[]>([]);
  #nextId = 1;

  error(title: string, message: string, code?: string): void {
    this.#push({ id: this.#nextId++, kind: 'error', title, message, code });
  }

  info(title: string, message = ''): void {
    const id = this.#nextId++;
    this.#push({ id, kind: 'info', title, message });
    setTimeout(() => this.dismiss(id), INFO_LIFETIME_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }

  dismissAll(): void {
    this.items = [];
  }

  #push(n: Notice): void {
    // A long session of failures must not bury the window: keep the newest few.
    this.items = [...this.items, n].slice(-6);
  }
}
