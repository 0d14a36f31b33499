import { describe, expect, it } from 'vitest';
import { randomVaeArrays } from './fixture';
import { encodeNpz, f32Array, type NpyArray } from './npz';
import { loadVaeWeights, vaeWeightsFromArrays } from './vae-weights';

function withChange(edit: (m: Map<string, NpyArray>) => void): Uint8Array {
  const m = randomVaeArrays({ seed: 1, embeddingDim: 8 });
  edit(m);
  return encodeNpz(m);
}

describe('loadVaeWeights', () => {
  it('picks every decoder tensor with its PyTorch shape and reads D from the codebook', () => {
    const w = loadVaeWeights(encodeNpz(randomVaeArrays({ seed: 1, embeddingDim: 24 })), 'vae.npz');
    expect(w.embeddingDim).toBe(24);
    expect(w.embedding.length).toBe(128 * 24);
    expect(w.conv0.shape).toEqual([128, 24, 1, 1]);
    expect(w.resBlocks.map((b) => b.map((l) => `${l.name}:${l.shape.join('x')}`))).toEqual([
      ['decoder.2.net.0:128x128x3x3', 'decoder.2.net.2:128x128x3x3', 'decoder.2.net.4:128x128x1x1'],
      ['decoder.3.net.0:128x128x3x3', 'decoder.3.net.2:128x128x3x3', 'decoder.3.net.4:128x128x1x1'],
    ]);
    // ConvTranspose2d weights are [in, out, kh, kw]; their biases have `out` entries.
    expect(w.upsample.map((l) => [l.name, l.shape, l.bias.length])).toEqual([
      ['decoder.4', [128, 128, 4, 4], 128], ['decoder.6', [128, 64, 4, 4], 64],
      ['decoder.8', [64, 32, 4, 4], 32], ['decoder.10', [32, 16, 4, 4], 16],
    ]);
    expect(w.head.shape).toEqual([1, 16, 1, 1]);
    expect(w.source).toBe('vae.npz');
  });

  it('accepts float64 tensors (converted to float32) and ignores unrelated ones such as the encoder', () => {
    const bytes = withChange((m) => {
      const e = m.get('_vq_vae._embedding')!;
      m.set('_vq_vae._embedding', { dtype: 'f8', shape: e.shape, data: Float64Array.from(e.data) });
      m.set('encoder.0.weight', f32Array([128, 1, 4, 4]));
    });
    const w = loadVaeWeights(bytes, 'f64.npz');
    expect(w.embedding).toBeInstanceOf(Float32Array);
    expect(w.embeddingDim).toBe(8);
  });

  it('names a missing tensor and lists what the file holds', () => {
    const bytes = withChange((m) => m.delete('decoder.8.weight'));
    expect(() => loadVaeWeights(bytes, 'partial.npz')).toThrow(/^partial\.npz: tensor decoder\.8\.weight \(ConvTranspose2d 64→32 k4 s2 p1, \[in, out, kh, kw\]\) is missing; .*Found: _vq_vae\._embedding, /);
  });

  it('names a transposed ConvTranspose weight with expected and found shapes', () => {
    const bytes = withChange((m) => m.set('decoder.6.weight', f32Array([64, 128, 4, 4])));
    expect(() => loadVaeWeights(bytes, 'flax-layout.npz')).toThrow(
      'flax-layout.npz: tensor decoder.6.weight (ConvTranspose2d 128→64 k4 s2 p1, [in, out, kh, kw]): expected shape [128, 64, 4, 4], found [64, 128, 4, 4]');
  });

  it('checks decoder.0 against the codebook width D', () => {
    const bytes = withChange((m) => m.set('decoder.0.weight', f32Array([128, 512, 1, 1])));
    expect(() => loadVaeWeights(bytes, 'mixed.npz')).toThrow('mixed.npz: tensor decoder.0.weight (Conv2d 1×1 8→128, [out, in, kh, kw]): expected shape [128, 8, 1, 1], found [128, 512, 1, 1]');
  });

  it('checks the codebook has 128 rows, a bias its length, and the dtype', () => {
    expect(() => loadVaeWeights(withChange((m) => m.set('_vq_vae._embedding', f32Array([256, 8]))), 'a.npz'))
      .toThrow('a.npz: tensor _vq_vae._embedding (codebook, 128 × D): expected shape [128, D], found [256, 8]');
    expect(() => loadVaeWeights(withChange((m) => m.set('decoder.12.bias', f32Array([2]))), 'b.npz'))
      .toThrow('b.npz: tensor decoder.12.bias (Conv2d 1×1 16→1, [out, in, kh, kw] bias): expected shape [1], found [2]');
    expect(() => loadVaeWeights(withChange((m) => m.set('decoder.12.bias', { dtype: 'i4', shape: [1], data: Int32Array.of(1) })), 'c.npz'))
      .toThrow('c.npz: tensor decoder.12.bias (Conv2d 1×1 16→1, [out, in, kh, kw] bias): expected float32 or float64, found dtype i4');
  });

  it('refuses non-finite weights', () => {
    const bytes = withChange((m) => { (m.get('decoder.4.bias')!.data as Float32Array)[3] = NaN; });
    expect(() => loadVaeWeights(bytes, 'nan.npz')).toThrow('nan.npz: tensor decoder.4.bias (ConvTranspose2d 128→128 k4 s2 p1, [in, out, kh, kw] bias): value NaN at flat index 3 is not finite');
  });

  it('a missing file and a file that is not an npz give errors naming the path', () => {
    expect(() => loadVaeWeights('/no/such/vae-oid.npz')).toThrow('/no/such/vae-oid.npz: file not found');
    expect(() => loadVaeWeights(new Uint8Array(100), 'zeros.npz')).toThrow(/^zeros\.npz: not a \.npz archive/);
    expect(() => vaeWeightsFromArrays(new Map(), 'empty.npz')).toThrow(/empty\.npz: tensor _vq_vae\._embedding .* is missing; .*Found: no arrays/);
  });
});
