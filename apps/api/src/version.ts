/** The package version, reported by /health and the MCP server. */
import pkg from "../package.json" with { type: "json" };

export const version: string = pkg.version;
