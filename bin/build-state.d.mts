// Types of bin/build-state.mjs for the TypeScript that imports it (tests, the benchmark).
export declare const DIST: string;
export declare const MANIFEST: string;
export declare const DIST_MAIN: string;
export declare function fileHash(path: string): string;
export declare function fileEntry(path: string): [number, number, string];
export declare function staleReason(root: string): string | null;
