// A host for the state tests: it answers each call with what the test gives (NOT_FOUND otherwise), records the calls,
// and lets the test push events.
import { Api, type Transport } from '../lib/api';
import type { Push, Result } from '../../../preload/contract';

export function fakeHost(answers: Record<string, Result<unknown>>): { api: Api; push: (p: Push) => void; calls: { name: string; input: unknown }[] } {
  let listener: (p: Push) => void = () => undefined;
  const calls: { name: string; input: unknown }[] = [];
  const transport: Transport = {
    call: async (name, input) => {
      calls.push({ name, input });
      return answers[name] ?? { ok: false, error: { code: 'NOT_FOUND', message: name } };
    },
    onPush: (l) => ((listener = l), () => undefined),
  };
  return { api: new Api(transport), push: (p) => listener(p), calls };
}
