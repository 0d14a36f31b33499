// The probe of a project file, run as a child process (see project-guard.ts): opens the file read-only, checks its
// schema is exactly Paliscope's, checks its pages are sound, and counts what the project menu shows — every read a
// project open makes before the file is kept. In a process of its own so it can be killed when it takes too long:
// better-sqlite3 exposes neither sqlite3_progress_handler nor sqlite3_interrupt, so a query cannot be stopped in
// the process that runs it.
import Database from 'better-sqlite3';
import { checkProjectSchema } from './project-schema';

export interface ProbeRequest {
  path: string;
  label: string;
  nativeBinding?: string;
}
export type ProbeReply = { started: true } | { ok: true } | { ok: false; code: string; message: string };

export function probe(req: ProbeRequest): void {
  const db = new Database(req.path, { readonly: true, fileMustExist: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    checkProjectSchema(db, req.label);
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw Object.assign(new Error(`${req.label} is damaged: ${check}`), { code: 'CORRUPT_FILE' });
    for (const table of ['documents', 'runs', 'reviews', 'batches', 'batch_items']) {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (exists) db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
    }
  } finally {
    db.close();
  }
}

// Run as a child: one request in, one reply out — over Electron's parentPort (utilityProcess) or Node's IPC channel.
const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; once(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
const port = parentPort
  ? { send: (m: ProbeReply, then?: () => void) => { parentPort.postMessage(m); then?.(); }, once: (l: (m: ProbeRequest) => void) => parentPort.once('message', (e) => l(e.data as ProbeRequest)) }
  : process.send
    ? { send: (m: ProbeReply, then?: () => void) => void process.send!(m, () => then?.()), once: (l: (m: ProbeRequest) => void) => void process.once('message', (m) => l(m as ProbeRequest)) }
    : null;
port?.once((req) => {
  // The time limit starts now, not while the runtime was loading this script.
  port.send({ started: true });
  let reply: ProbeReply;
  try {
    probe(req);
    reply = { ok: true };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    reply = { ok: false, code: typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'CORRUPT_FILE', message: err instanceof Error ? err.message : String(err) };
  }
  // The parent kills the process once it has the reply; exiting here too keeps no process behind if it does not.
  port.send(reply, () => setTimeout(() => process.exit(0), 1000).unref());
});
