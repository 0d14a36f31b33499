// Sessions are made only from a frozen SessionPlan: each component tries the plan's providers in order, falls back
// (logged) when one fails to initialise, reports the provider that worked, and is checked against the family's
// declared inputs/outputs before use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { classifyRuntimeError, EngineError, throwIfCancelled } from './errors';
import { checkIo, type IoDecl } from './io-check';
import type { Logger } from './logger';
import type { ProviderName, SessionPlan } from './plan';

export interface LoadedSession {
  component: string;
  session: ort.InferenceSession;
  provider: ProviderName;
  file: string;
  dtype: string;
}

export interface LoadOptions { logger?: Logger; signal?: AbortSignal }

export async function createSessionFromPlan(plan: SessionPlan, component: string, decl: IoDecl, o: LoadOptions = {}): Promise<LoadedSession> {
  const c = plan.components[component];
  if (!c) throw new EngineError('MODEL_NOT_FOUND', `session plan for ${plan.modelDir} has no component "${component}"`);
  const path = join(plan.modelDir, c.file);
  if (!existsSync(path)) throw new EngineError('MODEL_NOT_FOUND', `${path}: file not found (component ${component}, ${c.dtype})`);
  const failures: string[] = [];
  for (const provider of plan.providers) {
    throwIfCancelled(o.signal, `loading ${component}`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: plan.threads.intraOp,
        interOpNumThreads: plan.threads.interOp,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (e) {
      const oom = classifyRuntimeError(e, `loading ${path} on ${provider}`);
      if (oom instanceof EngineError) throw oom; // a smaller dtype, not another provider, is the way out
      const msg = e instanceof Error ? e.message : String(e);
      failures.push(`${provider}: ${msg}`);
      o.logger?.warn?.(`${component}: provider ${provider} failed (${msg}); trying the next one`);
      continue;
    }
    try {
      checkIo(session, decl, `${path} (${component})`);
    } catch (e) {
      await session.release();
      throw e;
    }
    if (provider !== plan.providers[0]) o.logger?.warn?.(`${component}: running on ${provider} instead of ${plan.providers[0]}`);
    o.logger?.info?.(`${component}: loaded ${c.file} (${c.dtype}) on ${provider}`);
    return { component, session, provider, file: c.file, dtype: c.dtype };
  }
  // Every provider failed. A file the CPU provider cannot load is a bad model, not a missing provider.
  const cpuFailure = failures.find((f) => f.startsWith('cpu:'));
  if (cpuFailure) throw new EngineError('INPUT_MISMATCH', `${path}: onnxruntime cannot load it (${cpuFailure.slice(5)}); expected a valid ONNX graph for ${component}`);
  throw new EngineError('PROVIDER_UNAVAILABLE', `${path}: no execution provider could be initialised: ${failures.join('; ')}`);
}
