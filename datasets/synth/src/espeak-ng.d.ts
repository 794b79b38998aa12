// Types for the untyped npm `espeak-ng` WASM build (an Emscripten MODULARIZE factory running the espeak-ng CLI).
declare module 'espeak-ng' {
  /** The Emscripten virtual file system (the subset used here). */
  interface EmscriptenFs {
    readFile(path: string, opts?: { encoding?: string }): Uint8Array | string;
    createPath(parent: string, path: string, canRead: boolean, canWrite: boolean): string;
    createDataFile(path: string, name: string | null, data: Int8Array, canRead: boolean, canWrite: boolean, canOwn: boolean): void;
  }
  export interface ESpeakNgOptions {
    arguments: string[];
    thisProgram?: string;
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    quit?: (code: number, toThrow: unknown) => void;
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => object;
  }
  export interface ESpeakNgInstance {
    FS: EmscriptenFs;
    HEAP8: Int8Array;
    HEAPU8: Uint8Array;
    HEAPU32: Uint32Array;
  }
  const ESpeakNg: (options: ESpeakNgOptions) => Promise<ESpeakNgInstance>;
  export default ESpeakNg;
}
