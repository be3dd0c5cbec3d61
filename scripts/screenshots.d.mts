/** Where screenshots go; see screenshots.mjs. */
export const testScreenshotDir: string;
export const curatedScreenshotDir: string;
export function refreshScreenshots(from: string, to: string): { copied: string[]; removed: string[] };
