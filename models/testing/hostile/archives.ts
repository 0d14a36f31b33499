// Hostile archives for the tests: compressed bombs in the .npz (zip) format the mask decoder's weights come in.
import { encodeNpz } from '../../paligemma/tasks/mask/npz';

/**
 * A .npz whose one member inflates to `inflatedBytes` of zeros (deflate packs them about a thousand to one) while
 * its headers declare `declaredBytes` — smaller to hide the bomb, or huge to ask for the memory up front.
 */
export function npzBomb(o: { inflatedBytes: number; declaredBytes: number }): Uint8Array {
  const bytes = encodeNpz({ bomb: { dtype: 'u1', shape: [o.inflatedBytes], data: new Uint8Array(o.inflatedBytes) } }, { compress: true });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // One member: the local header is at 0, the central directory where the end record says.
  const eocd = bytes.byteLength - 22;
  const central = dv.getUint32(eocd + 16, true);
  dv.setUint32(22, o.declaredBytes, true);
  dv.setUint32(central + 24, o.declaredBytes, true);
  return bytes;
}
