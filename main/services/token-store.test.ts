import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenStore, type SecretCipher } from './token-store';

const dir = mkdtempSync(join(tmpdir(), 'paliscope-token-'));
afterEach(() => rmSync(join(dir, 'token.bin'), { force: true }));

// A reversible stand-in for safeStorage: enough to see that only ciphertext reaches the disk.
const cipher: SecretCipher = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
};

describe('TokenStore', () => {
  it('keeps the token only in memory without a cipher, and writes nothing', () => {
    const store = new TokenStore(join(dir, 'token.bin'));
    expect(store.storage).toBe('memory');
    store.set('hf_secret');
    expect(store.get()).toBe('hf_secret');
    expect(existsSync(join(dir, 'token.bin'))).toBe(false);
    expect(new TokenStore(join(dir, 'token.bin')).get()).toBeNull();
  });

  it('writes only ciphertext with safeStorage, reads it back in a new store, and clears it', () => {
    const store = new TokenStore(join(dir, 'token.bin'), cipher);
    expect(store.storage).toBe('safeStorage');
    store.set('hf_secret');
    expect(readFileSync(join(dir, 'token.bin')).toString()).not.toContain('hf_secret');
    expect(new TokenStore(join(dir, 'token.bin'), cipher).get()).toBe('hf_secret');
    store.set(null);
    expect(existsSync(join(dir, 'token.bin'))).toBe(false);
    expect(store.get()).toBeNull();
  });

  it('falls back to memory when the keychain is unavailable', () => {
    const store = new TokenStore(join(dir, 'token.bin'), { ...cipher, isEncryptionAvailable: () => false });
    expect(store.storage).toBe('memory');
    store.set('hf_x');
    expect(existsSync(join(dir, 'token.bin'))).toBe(false);
  });
});

describe('TokenStore without a keyring (Linux basic_text)', () => {
  it('keeps the token in memory, writes nothing, and moves a token stored that way before into memory, removing the file', () => {
    const file = join(dir, 'token.bin');
    // A previous run stored a token while safeStorage used its fixed password.
    new TokenStore(file, cipher).set('hf_old');
    expect(existsSync(file)).toBe(true);
    const basic: SecretCipher = { ...cipher, getSelectedStorageBackend: () => 'basic_text' };
    const warnings: string[] = [];
    const store = new TokenStore(file, basic, { warn: (m) => warnings.push(m) });
    expect(store.storage).toBe('memory');
    expect(store.get()).toBe('hf_old');
    expect(existsSync(file)).toBe(false);
    store.set('hf_new');
    expect(existsSync(file)).toBe(false);
    expect(store.get()).toBe('hf_new');
    expect(warnings.join()).toMatch(/basic_text.*memory only/);
    // A real keyring backend still encrypts to disk.
    const keyring = new TokenStore(file, { ...cipher, getSelectedStorageBackend: () => 'gnome_libsecret' });
    expect(keyring.storage).toBe('safeStorage');
  });
});
