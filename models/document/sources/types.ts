// A region source proposes the regions of one page. Sources are combined per page (sources/combine.ts): the PDF text
// layer, the PDF's image objects, the built-in OCR's text blocks, PaliGemma detection proposals and the regions the
// person drew. A dedicated layout model (source 'layout') is meant to plug in here too, once the model manager can
// install one: it is an implementation of this interface, and none exists yet.
import type { RawImage } from '../../documents';
import type { Box, RegionSource, RegionType } from '../schema';

/** One page as sources see it; its pixels are rendered only when a source asks for them. */
export interface PageContext {
  /** The document file (for a document opened from bytes: its name, and `bytes` holds it). */
  path: string;
  bytes?: Uint8Array;
  /** 0-based page index. */
  index: number;
  /** The page's size in pixels as Paliscope renders it. */
  width: number;
  height: number;
  pixels(): Promise<RawImage>;
  signal?: AbortSignal;
}

/** A line of text a source read, with its box on the page. */
export interface TextLine {
  text: string;
  box: Box;
  /** The recognizer's confidence 0…1 (OCR); absent for a text layer, which is exact. */
  confidence?: number;
}

export interface ProposedRegion {
  type: RegionType;
  box: Box;
  source: RegionSource;
  /** Text the source already read (text layer, OCR): the region needs no model run for its content. */
  lines?: TextLine[];
}

export interface RegionSourceProvider {
  readonly name: RegionSource;
  propose(page: PageContext): Promise<ProposedRegion[]>;
  /** Releases what the source holds (open files, models). */
  close?(): Promise<void>;
}
