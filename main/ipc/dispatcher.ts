// Runs contract calls for any transport (Electron IPC or the headless host's HTTP + WebSocket):
// validates every input as `unknown`, turns thrown failures into `{ok:false}` results, and keeps the
// stream rule — chunks, then exactly one terminal message — in one place.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  type AppError,
  type ChunkOf,
  type ContractShape,
  type ErrorCode,
  type EventName,
  type InvokeName,
  type OutputOf,
  type ParsedInputOf,
  type PayloadOf,
  type Push,
  type Result,
  type StreamName,
  type StreamSpec,
  callNames,
} from '../../preload/contract/define';

/** A failure a handler means to report: its code reaches the UI, its message reaches a person. */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}

/** Who is calling: one window (Electron) or one WebSocket connection (headless host). */
export interface Caller {
  readonly id: string;
  push(message: Push): void;
}
export interface CallContext {
  readonly caller: Caller;
  readonly signal: AbortSignal;
}
export interface StreamContext<Chunk> extends CallContext {
  send(chunk: Chunk): void;
}

/** Handled by the dispatcher itself, not by services. */
type BuiltIn = 'streams.cancel';
export type Handlers<C extends ContractShape> = {
  [K in Exclude<InvokeName<C>, BuiltIn>]: (input: ParsedInputOf<C[K]>, ctx: CallContext) => Promise<OutputOf<C[K]>> | OutputOf<C[K]>;
} & {
  [K in StreamName<C>]: (input: ParsedInputOf<C[K]>, ctx: StreamContext<ChunkOf<C[K]>>) => Promise<OutputOf<C[K]>>;
};

export interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

function describeZodError(name: string, error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
  return `${name}: invalid input — ${issues.join('; ')}`;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppFailure) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

interface RunningStream {
  callerId: string;
  controller: AbortController;
}

export class Dispatcher<C extends ContractShape> {
  readonly #contract: C;
  readonly #handlers: Handlers<C>;
  readonly #log: Logger;
  readonly #callers = new Map<string, Caller>();
  readonly #streams = new Map<string, RunningStream>();

  constructor(contract: C, handlers: NoInfer<Handlers<C>>, log: Logger = console) {
    this.#contract = contract;
    this.#handlers = handlers;
    this.#log = log;
  }

  /** Every name a transport must route: invokes and streams, never events. */
  get callNames(): string[] {
    return callNames(this.#contract);
  }

  attach(caller: Caller): void {
    this.#callers.set(caller.id, caller);
  }

  /** A window closed or a socket dropped: its streams stop. */
  detach(callerId: string): void {
    this.#callers.delete(callerId);
    for (const s of this.#streams.values()) if (s.callerId === callerId) s.controller.abort();
  }

  /** Broadcast an event to every attached caller, validated like everything else. */
  emit<K extends EventName<C>>(name: K, payload: PayloadOf<C[K]>): void {
    const spec = this.#contract[name];
    if (!spec || spec.kind !== 'event') throw new Error(`emit: "${name}" is not an event of the contract`);
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) {
      this.#log.error(describeZodError(`event ${name}`, parsed.error));
      return;
    }
    for (const caller of this.#callers.values()) caller.push({ event: name, payload: parsed.data });
  }

  async call(name: string, rawInput: unknown, caller: Caller): Promise<Result<unknown>> {
    const spec = Object.hasOwn(this.#contract, name) ? this.#contract[name] : undefined;
    if (!spec || spec.kind === 'event') return { ok: false, error: { code: 'NOT_FOUND', message: `no call named "${name}"` } };
    const parsed = spec.input.safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: { code: 'BAD_INPUT', message: describeZodError(name, parsed.error) } };
    if (name === 'streams.cancel') return { ok: true, value: { cancelled: this.cancel((parsed.data as { streamId: string }).streamId, caller.id) } };
    if (spec.kind === 'stream') return { ok: true, value: { streamId: this.#startStream(name, spec, parsed.data, caller) } };

    const handler = (this.#handlers as Record<string, (i: unknown, c: CallContext) => unknown>)[name];
    if (!handler) return { ok: false, error: { code: 'NOT_FOUND', message: `no handler for "${name}"` } };
    try {
      const value = await handler(parsed.data, { caller, signal: new AbortController().signal });
      const out = spec.output.safeParse(value);
      if (!out.success) {
        this.#log.error(describeZodError(`${name} output`, out.error));
        return { ok: false, error: { code: 'INTERNAL', message: `${name}: the result did not match the contract` } };
      }
      return { ok: true, value: out.data };
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'INTERNAL') this.#log.error(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ok: false, error };
    }
  }

  cancel(streamId: string, callerId: string): boolean {
    const s = this.#streams.get(streamId);
    if (!s || s.callerId !== callerId) return false;
    s.controller.abort();
    return true;
  }

  #startStream(name: string, spec: StreamSpec, input: unknown, caller: Caller): string {
    const streamId = randomUUID();
    const controller = new AbortController();
    this.#streams.set(streamId, { callerId: caller.id, controller });
    let ended = false;
    const end = (message: Push): void => {
      if (ended) return;
      ended = true;
      this.#streams.delete(streamId);
      caller.push(message);
    };
    const send = (chunk: unknown): void => {
      if (ended || controller.signal.aborted) return;
      const parsed = spec.chunk.safeParse(chunk);
      if (!parsed.success) {
        this.#log.error(describeZodError(`${name} chunk`, parsed.error));
        return;
      }
      caller.push({ stream: { streamId, type: 'chunk', chunk: parsed.data } });
    };
    const handler = (this.#handlers as Record<string, (i: unknown, c: StreamContext<unknown>) => Promise<unknown>>)[name];
    // Start after the id has been returned, so the caller can match every message to its stream.
    queueMicrotask(() => {
      const run = handler
        ? Promise.resolve().then(() => handler(input, { caller, signal: controller.signal, send }))
        : Promise.reject(new AppFailure('NOT_FOUND', `no handler for "${name}"`));
      run.then(
        (value) => {
          if (controller.signal.aborted) return end({ stream: { streamId, type: 'cancelled' } });
          const out = spec.output.safeParse(value);
          if (out.success) end({ stream: { streamId, type: 'done', value: out.data } });
          else {
            this.#log.error(describeZodError(`${name} output`, out.error));
            end({ stream: { streamId, type: 'error', error: { code: 'INTERNAL', message: `${name}: the result did not match the contract` } } });
          }
        },
        (err: unknown) => {
          const error = toAppError(err);
          if (controller.signal.aborted || error.code === 'CANCELLED') return end({ stream: { streamId, type: 'cancelled' } });
          if (error.code === 'INTERNAL') this.#log.error(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          end({ stream: { streamId, type: 'error', error } });
        },
      );
    });
    return streamId;
  }
}
