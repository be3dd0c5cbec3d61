/**
 * Next.js config. `standalone` output so the image ships only traced files; the backend URL is NOT
 * configured here (rewrites are frozen at build time) but read per request by app/api/[...path].
 */
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  output: "standalone",
  // Trace from the monorepo root so workspace packages land in .next/standalone.
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  transpilePackages: ["@todo/contracts"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
