/** How the e2e tests get a browser; see chromium.mjs. */
export type Chromium = { path: string; source: string };
export class ChromiumUnavailableError extends Error {}
export function findChromium(): Chromium | null;
export function ensureChromium(options?: { log?: (line: string) => void }): Promise<Chromium>;
