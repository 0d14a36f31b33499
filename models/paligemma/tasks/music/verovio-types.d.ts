// Types for the parts of the verovio npm package (6.x, which ships none) that the music task uses.

declare module 'verovio/wasm-hum' {
  /** The Emscripten module factory of the Humdrum-enabled build. */
  export default function createVerovioModule(moduleArg?: object): Promise<object>;
}

declare module 'verovio/esm' {
  export interface TimemapEntry {
    tstamp: number;
    qstamp: number;
    on?: string[];
    off?: string[];
    tempo?: number;
  }
  export class VerovioToolkit {
    constructor(module: object);
    destroy(): void;
    getVersion(): string;
    getLog(): string;
    setOptions(options: Record<string, unknown>): void;
    resetOptions(): void;
    /** Verovio returns 1 / 0 (or true / false, depending on the build). */
    loadData(data: string): boolean | number;
    getPageCount(): number;
    renderToSVG(pageNo?: number, xmlDeclaration?: boolean): string;
    renderToTimemap(options?: Record<string, unknown>): TimemapEntry[];
    renderToMIDI(): string;
    getMEI(options?: Record<string, unknown>): string;
    getHumdrum(): string;
    resetXmlIdSeed(seed: number): void;
    getMIDIValuesForElement(xmlId: string): { pitch: number; time: number; duration: number };
  }
}
