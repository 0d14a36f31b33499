"""Regenerates the golden files the mask tests compare against, with numpy and Pillow (Debian: python3-numpy,
python3-pil). Not run by the tests: its outputs are committed.

  /usr/bin/python3 models/paligemma/tasks/mask/testdata/make-golden.py

- numpy-savez.npz / numpy-savez-compressed.npz: arrays written by numpy itself (np.savez forces zip64 local headers).
- pillow-masks.json: a 64x64 float32 map pasted into boxes the way big_vision's segmentation evaluator does it
  (int() box corners, PIL BILINEAR resize of the 'F' image, > 0, paste), as COCO RLE counts (column-major).
"""
import json
import os

import numpy as np
import PIL
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))

arrays = {
    'weights': np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8 - 1,
    'doubles': np.array([0.1, -2.5, 1e300, 3.0], dtype=np.float64),
    'ints': np.array([[1, -2], [2147483647, -2147483648]], dtype=np.int32),
    'bytes': np.array([0, 7, 255], dtype=np.uint8),
    'flags': np.array([True, False, True]),
    'scalar': np.float32(2.5),
    'empty': np.zeros((0, 3), dtype=np.float32),
}
np.savez(os.path.join(here, 'numpy-savez.npz'), **arrays)
np.savez_compressed(os.path.join(here, 'numpy-savez-compressed.npz'), **arrays)
np.savez(os.path.join(here, 'numpy-bigendian.npz'), big=np.arange(3, dtype='>f4'))
np.savez(os.path.join(here, 'numpy-fortran.npz'), f=np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))

ys, xs = np.mgrid[0:64, 0:64].astype(np.float64)
m64 = (np.sin(xs * 0.21 + 0.3) * np.cos(ys * 0.17 - 0.5) + 0.1 * (((xs * 7 + ys * 13) % 11) - 5) / 5).astype(np.float32)


def paste(box, width, height):
    x0, y0, x1, y1 = box
    # big_vision: y1, x1, y2, x2 = map(int, (y1 * h, x1 * w, y2 * h, x2 * w)); here the box is already in pixels.
    x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
    full = np.zeros((height, width), dtype=np.uint8)
    if x1 <= x0 or y1 <= y0:
        return full
    mi = np.asarray(Image.fromarray(m64).resize([x1 - x0, y1 - y0], resample=Image.BILINEAR)) > 0.0
    # Clip to the image (the evaluator's boxes are always inside; ours may not be).
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(width, x1), min(height, y1)
    if dx1 > dx0 and dy1 > dy0:
        full[dy0:dy1, dx0:dx1] = mi[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
    return full


def rle(bitmap):
    flat = bitmap.flatten(order='F')
    counts, value, run = [], 0, 0
    for v in flat:
        if v == value:
            run += 1
        else:
            counts.append(run)
            value, run = v, 1
    counts.append(run)
    return counts


cases = []
for box, w, h in [
    ((10.4, 5.9, 130.2, 90.7), 200, 120),   # enlarge, non-square image, fractional corners
    ((3.0, 2.0, 23.0, 15.0), 40, 30),       # shrink below 64 px: Pillow antialiases
    ((0.0, 0.0, 64.0, 64.0), 64, 64),       # identity size
    ((150.5, 0.0, 300.0, 77.0), 300, 77),   # touches the right and top/bottom edges
    ((5.0, 5.0, 6.0, 50.0), 20, 60),        # one pixel wide
    ((-20.0, 10.0, 40.0, 200.0), 50, 100),  # sticks out of the image on three sides
    ((7.0, 3.0, 257.0, 11.0), 260, 16),     # very wide and flat
]:
    bm = paste(box, w, h)
    cases.append({'box': list(box), 'width': w, 'height': h, 'counts': rle(bm), 'area': int(bm.sum())})

with open(os.path.join(here, 'pillow-masks.json'), 'w') as f:
    json.dump({'pillow': PIL.__version__, 'numpy': np.__version__,
               'logits': [float(v) for v in m64.flatten()], 'cases': cases}, f)
print('wrote golden files with Pillow', PIL.__version__, 'numpy', np.__version__)
