// Worker-thread entry: one single-threaded recognizer session, serving runs in order. Several of these read the
// lines of a page side by side (rec-lanes.ts): onnxruntime-node runs a session on the thread that calls it, so two
// sessions in one thread only take turns.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { summarizeOutput, type RecLaneReply, type RecLaneRequest } from './rec-lanes';
import { ocrSessionOptions } from './session-options';

const port = parentPort;
if (!port) throw new Error('rec-worker must be started as a worker thread');
const send = (m: RecLaneReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let session: ort.InferenceSession | null = null;

port.on('message', (m: RecLaneRequest) => {
  if (m.type === 'load') {
    ort.InferenceSession.create(m.model, ocrSessionOptions(1, false)).then(
      (s) => { session = s; send({ type: 'loaded' }); },
      (err: unknown) => send({ type: 'failed', id: -1, message: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  const s = session;
  if (!s) return send({ type: 'failed', id: m.id, message: 'the recognizer is not loaded' });
  s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', m.input, m.dims) }).then(
    (out) => {
      const t = out[s.outputNames[0]!]!;
      const output = summarizeOutput(t.data as Float32Array, t.dims, m.spaceClass);
      send({ type: 'ran', id: m.id, output }, output.lines.flatMap((l) => [l.best.buffer, l.bestP.buffer, l.spaceP.buffer] as ArrayBuffer[]));
    },
    (err: unknown) => send({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) }),
  );
});
