// Routing: which model reads each region type. Text the source already read (a PDF text layer, the built-in OCR's
// blocks) needs no model; other text regions are read by the built-in OCR on their crop; tables, molecules, scores
// and figures go to the PaliGemma model given for their type (a table model, a molecule model, a music model, a mix
// checkpoint for figure captions). A region whose type has no model keeps its picture and says why it has no content.
import type { ModelRef } from '../batch/model-ref';
import { TASKS, type TaskName } from '../tasks/table';
import type { RegionType } from './schema';
import type { ProposedRegion } from './sources/types';
import { isTextType } from './sources/combine';

/** A PaliGemma model for a region type: the task its output is parsed as and the prompt it reads. */
export interface ModelRoute {
  model: ModelRef;
  task: TaskName;
  prompt: string;
}

export type Route =
  | { kind: 'read' }
  | { kind: 'ocr' }
  | ({ kind: 'model' } & ModelRoute)
  | { kind: 'picture' }
  | { kind: 'none'; reason: string };

/** The task each region type runs as on a PaliGemma model. */
export const TASK_OF_TYPE: Record<RegionType, TaskName> = {
  title: 'ocr', text: 'ocr', list: 'ocr', caption: 'ocr', header: 'ocr', footer: 'ocr', formula: 'ocr',
  table: 'table', molecule: 'molecule', music: 'music', figure: 'caption',
};

export type Routes = Partial<Record<RegionType, ModelRoute>>;

export function routeOf(region: ProposedRegion, routes: Routes): Route {
  const model = routes[region.type];
  if (isTextType(region.type) && region.lines?.length) return { kind: 'read' };
  if (model) return { kind: 'model', ...model };
  if (isTextType(region.type) || region.type === 'formula') return { kind: 'ocr' };
  if (region.type === 'figure') return { kind: 'picture' };
  return { kind: 'none', reason: `no model reads ${region.type} regions: give one with --route ${region.type}=MODEL` };
}

/** The prompt a routed task reads: a prefix task's default ("caption en", "ocr"), or the model card's for a transfer task. */
export function routePrompt(task: TaskName, given: string | undefined): string | null {
  const spec = TASKS[task];
  if (given?.trim()) return given.trim();
  if (spec.needsText) return null;
  return spec.defaultText.trim() ? `${task} ${spec.defaultText.trim()}` : task;
}
