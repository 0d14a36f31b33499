// The regions of one page from the sources the person chose. Born-digital pages are read from their text layer; the
// built-in OCR reads only the pages with no text layer. Where sources overlap, the person's regions win, then
// detection proposals, then the PDF's placed images, then text blocks; text blocks inside a table, figure, molecule,
// score or formula belong to it (their text is that region's content, read by its own model).
import { coverage, iou } from '../geometry';
import type { RegionType } from '../schema';
import type { PageContext, ProposedRegion, RegionSourceProvider } from './types';

export interface PageSources {
  pdfText?: RegionSourceProvider;
  pdfImage?: RegionSourceProvider;
  ocr?: RegionSourceProvider;
  detect?: RegionSourceProvider;
  user?: RegionSourceProvider;
  /** A layout model's source, when one is installed (none exists yet). */
  layout?: RegionSourceProvider;
}

const TEXT_TYPES: ReadonlySet<RegionType> = new Set(['title', 'text', 'list', 'caption', 'header', 'footer']);
export const isTextType = (t: RegionType): boolean => TEXT_TYPES.has(t);

/** Inside another region by this share of its area: it belongs to that region. */
const INSIDE = 0.6;
/** Overlapping another proposal this much (IoU): the same region proposed twice. */
const SAME = 0.5;

export function mergeProposals(layers: { user: ProposedRegion[]; detect: ProposedRegion[]; images: ProposedRegion[]; text: ProposedRegion[] }): ProposedRegion[] {
  const kept: ProposedRegion[] = [...layers.user.map((r) => ({ ...r }))];
  const addUnlessKnown = (r: ProposedRegion) => {
    if (!kept.some((k) => iou(k.box, r.box) > SAME)) kept.push({ ...r });
  };
  // Detected text regions are redundant where the text layer or the OCR already made a block.
  for (const r of layers.detect) {
    if (isTextType(r.type) && layers.text.some((t) => coverage(t.box, r.box) > INSIDE || iou(t.box, r.box) > SAME)) continue;
    addUnlessKnown(r);
  }
  for (const r of layers.images) addUnlessKnown(r);
  for (const block of layers.text) {
    const owner = kept.find((k) => coverage(block.box, k.box) >= INSIDE);
    if (!owner) { kept.push({ ...block }); continue; }
    // A text region drawn over text blocks takes their text; other types read their content with their own model.
    if (isTextType(owner.type)) owner.lines = [...(owner.lines ?? []), ...(block.lines ?? [])];
  }
  return kept;
}

/** Every region proposed for the page, merged. */
export async function proposeRegions(page: PageContext, sources: PageSources): Promise<ProposedRegion[]> {
  const user = (await sources.user?.propose(page)) ?? [];
  let text = (await sources.pdfText?.propose(page)) ?? [];
  const images = (await sources.pdfImage?.propose(page)) ?? [];
  if (!text.length && sources.ocr) text = await sources.ocr.propose(page);
  const detect = [...((await sources.detect?.propose(page)) ?? []), ...((await sources.layout?.propose(page)) ?? [])];
  return mergeProposals({ user, detect, images, text });
}
