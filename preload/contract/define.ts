// The building blocks of the contract: how a call, a stream and an event are declared, and the
// types every side derives from a declaration. Imports only zod (lint-enforced).
import { z } from 'zod';

/** Error codes the UI may switch on. Messages are for people; codes are for code. */
export const errorCodes = [
  'BAD_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNSUPPORTED',
  'EMPTY_FILE',
  'UNSUPPORTED_FORMAT',
  'CORRUPT_FILE',
  'PASSWORD_REQUIRED',
  'WRONG_PASSWORD',
  'TOO_LARGE',
  'PAGE_OUT_OF_RANGE',
  'CANCELLED',
  'ENGINE_UNAVAILABLE',
  'ENGINE_CRASHED',
  'MODEL_NOT_FOUND',
  'INPUT_MISMATCH',
  'PROVIDER_UNAVAILABLE',
  'OUT_OF_MEMORY',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorSchema = z.object({ code: ErrorCode, message: z.string() });
export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface InvokeSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'invoke';
  readonly input: I;
  readonly output: O;
}
/** A long call: returns a stream id at once, sends chunks, then exactly one terminal event. */
export interface StreamSpec<I extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'stream';
  readonly input: I;
  readonly chunk: C;
  readonly output: O;
}
/** A push from main to the renderer. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}
export type Spec = InvokeSpec | StreamSpec | EventSpec;
export type ContractShape = Record<string, Spec>;

export const invoke = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): InvokeSpec<I, O> => ({
  kind: 'invoke',
  input,
  output,
});
export const stream = <I extends z.ZodType, C extends z.ZodType, O extends z.ZodType>(
  input: I,
  chunk: C,
  output: O,
): StreamSpec<I, C, O> => ({ kind: 'stream', input, chunk, output });
export const event = <P extends z.ZodType>(payload: P): EventSpec<P> => ({ kind: 'event', payload });

// ---- Derived name sets -------------------------------------------------------------------------
export type InvokeName<C extends ContractShape> = { [K in keyof C]: C[K] extends InvokeSpec ? K : never }[keyof C] & string;
export type StreamName<C extends ContractShape> = { [K in keyof C]: C[K] extends StreamSpec ? K : never }[keyof C] & string;
export type EventName<C extends ContractShape> = { [K in keyof C]: C[K] extends EventSpec ? K : never }[keyof C] & string;
/** Names the renderer may call: invokes and streams. */
export type CallName<C extends ContractShape> = InvokeName<C> | StreamName<C>;

export type InputOf<S> = S extends InvokeSpec<infer I> | StreamSpec<infer I> ? z.input<I> : never;
export type ParsedInputOf<S> = S extends InvokeSpec<infer I> | StreamSpec<infer I> ? z.output<I> : never;
export type OutputOf<S> = S extends InvokeSpec<z.ZodType, infer O> | StreamSpec<z.ZodType, z.ZodType, infer O> ? z.output<O> : never;
export type ChunkOf<S> = S extends StreamSpec<z.ZodType, infer Ch> ? z.output<Ch> : never;
export type PayloadOf<S> = S extends EventSpec<infer P> ? z.output<P> : never;

/** Every message main pushes to the renderer travels as one of these, on one channel. */
export type StreamMessage =
  | { streamId: string; type: 'chunk'; chunk: unknown }
  | { streamId: string; type: 'done'; value: unknown }
  | { streamId: string; type: 'error'; error: AppError }
  | { streamId: string; type: 'cancelled' };
export type Push = { event: string; payload: unknown } | { stream: StreamMessage };

/** The one IPC channel pushes use (events and stream messages); calls use their contract names. */
export const PUSH_CHANNEL = 'paliscope:push';
/** The stream-start reply: the id that later stream messages carry. */
export const StreamStarted = z.object({ streamId: z.string() });

export function callNames(contract: ContractShape): string[] {
  return Object.entries(contract)
    .filter(([, spec]) => spec.kind !== 'event')
    .map(([name]) => name);
}
export function eventNames(contract: ContractShape): string[] {
  return Object.entries(contract)
    .filter(([, spec]) => spec.kind === 'event')
    .map(([name]) => name);
}
