// Output formats for OCR results.
export { toText, pageToText } from './text';
export { toJson, toJsonObject } from './json';
export { toHocr, type HocrOptions } from './hocr';
export { toAlto, ALTO_NS, type AltoOptions } from './alto';
export { toSearchablePdf, type PdfOptions, type PdfPageInput } from './pdf';
