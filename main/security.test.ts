import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './security';

const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
  const [name, ...values] = d.trim().split(/\s+/);
  return [name!, values] as const;
}));

describe('CONTENT_SECURITY_POLICY', () => {
  it('allows the renderer no WebAssembly, no workers and no blob: sources (the engine host runs those)', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    // worker-src falls back to script-src, then default-src: no blob: worker can start.
    expect(directives.has('worker-src')).toBe(false);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/wasm-unsafe-eval|unsafe-eval|unsafe-inline|blob:/);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
  });
});
