// Types for electron-binary.mjs.
export declare function electronBinaryPath(root: string): string | null;
