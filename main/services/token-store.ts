// The hub access token. In the desktop app it is encrypted with Electron's safeStorage (the OS keychain / libsecret
// / DPAPI) and only the ciphertext is written to disk; elsewhere (the headless host, tests) there is no keychain, so
// the token lives in memory only and is gone when the process ends — never written in plain text.
//
// On Linux without a keyring (no libsecret, no KWallet), safeStorage still says encryption is available but uses
// `basic_text`: a password fixed in Chromium's source, which protects nothing. That counts as no keychain here: the
// token stays in memory, the Models window says so, and a file written that way before is read once and removed.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The part of Electron's safeStorage used here; injected so main/ services stay free of electron. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: the backend in use ('basic_text' when there is no keyring); absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

/** Backends that store with a known password: as good as plain text. */
const NOT_A_KEYCHAIN = new Set(['basic_text']);

export class TokenStore {
  readonly #file: string;
  readonly #cipher: SecretCipher | null;
  #memory: string | null = null;

  /** `file` holds the ciphertext when a cipher is available; nothing is written otherwise. */
  constructor(file: string, cipher?: SecretCipher | null, log?: { warn(message: string): void }) {
    this.#file = file;
    const available = !!cipher && cipher.isEncryptionAvailable();
    const backend = available ? cipher!.getSelectedStorageBackend?.() : undefined;
    if (available && backend && NOT_A_KEYCHAIN.has(backend)) {
      // A token a previous run stored this way is kept for this session, and the file that exposed it goes.
      try {
        this.#memory = cipher!.decryptString(readFileSync(file)) || null;
      } catch {
        /* none stored */
      }
      rmSync(file, { force: true });
      log?.warn(`no system keyring (safeStorage would use ${backend}): the hub token is kept in memory only`);
      this.#cipher = null;
      return;
    }
    this.#cipher = available ? cipher! : null;
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
