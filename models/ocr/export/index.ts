// Output formats for OCR results.
export { toText, pageToText } from './text';
export { toJson, toJsonObject } from './json';
export { toHocr, type HocrOptions } from './hocr';
export { toAlto, ALTO_NS, type AltoOptions } from './alto';
export { toSearchablePdf, createSearchablePdf, type PdfOptions, type PdfPageInput, type SearchablePdfBuilder } from './pdf';
