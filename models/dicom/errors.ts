/** Why a DICOM file could not be read. The loader turns these into its own
 *  DocumentError codes; the message is written for the person who chose the file. */
export type DicomFailure = 'NOT_DICOM' | 'TRUNCATED' | 'CORRUPT' | 'UNSUPPORTED' | 'NO_PIXEL_DATA' | 'TOO_LARGE';

export class DicomError extends Error {
  constructor(
    readonly failure: DicomFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DicomError';
  }
}

/** dicom-parser and the Emscripten codecs throw strings and numbers as well as Errors. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  // dicom-parser's parseDicom wraps what it throws as { exception, dataSet }.
  if (typeof e === 'object' && e !== null && 'exception' in e) return describeThrown((e as { exception: unknown }).exception);
  if (typeof e === 'string') return e.replace(/^dicomParser\.\w+:\s*/, '');
  return String(e);
}
