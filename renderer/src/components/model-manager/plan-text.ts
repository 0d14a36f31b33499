// "decoder q4 · cpu" — which weights and execution provider a run of this model would use on this machine.
import type { ModelInfo } from '../../../../preload/contract';

export function planText(model: Pick<ModelInfo, 'plan'>): string {
  if (!model.plan) return 'cannot plan a run';
  const dtypes = [...new Set(Object.values(model.plan.dtypes))];
  const provider = model.plan.providers[0] ?? 'cpu';
  const fallback = model.plan.providers.length > 1 ? ` (then ${model.plan.providers.slice(1).join(', ')})` : '';
  return `runs ${dtypes.length === 1 ? dtypes[0] : Object.entries(model.plan.dtypes).map(([k, d]) => `${k} ${d}`).join(', ')} on ${provider}${fallback}`;
}
