// The hub access token. In the desktop app it is encrypted with Electron's safeStorage (the OS keychain / libsecret
// / DPAPI) and only the ciphertext is written to disk; elsewhere (the headless host, tests) there is no keychain, so
// the token lives in memory only and is gone when the process ends — never written in plain text.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The part of Electron's safeStorage used here; injected so main/ services stay free of electron. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class TokenStore {
  readonly #file: string;
  readonly #cipher: SecretCipher | null;
  #memory: string | null = null;

  /** `file` holds the ciphertext when a cipher is available; nothing is written otherwise. */
  constructor(file: string, cipher?: SecretCipher | null) {
    this.#file = file;
    this.#cipher = cipher && cipher.isEncryptionAvailable() ? cipher : null;
  }

  get storage(): 'safeStorage' | 'memory' {
    return this.#cipher ? 'safeStorage' : 'memory';
  }

  get(): string | null {
    if (!this.#cipher) return this.#memory;
    try {
      return this.#cipher.decryptString(readFileSync(this.#file)) || null;
    } catch {
      return null; // none stored, or stored under another OS account / keychain: ask again
    }
  }

  set(token: string | null): void {
    const value = token?.trim() || null;
    if (!this.#cipher) {
      this.#memory = value;
      return;
    }
    if (!value) {
      rmSync(this.#file, { force: true });
      return;
    }
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, this.#cipher.encryptString(value), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }
}
