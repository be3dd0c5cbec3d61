/** Builds apps/web when missing or stale; see web-build.mjs. */
export function ensureWebBuild(root: string, options?: { quiet?: boolean }): boolean;
