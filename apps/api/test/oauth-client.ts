/**
 * An MCP client signing in with OAuth the way real ones do: the MCP SDK's own `auth()` with an
 * in-memory `OAuthClientProvider` (discovery from the 401, Dynamic Client Registration, PKCE, code
 * exchange, refresh). Only the person's part — the browser following the authorization URL, signing
 * in and pressing Allow or Deny on the consent page — is played here over HTTP with their session
 * token, calling the same endpoints the consent page calls. The e2e suite does that part in Chromium.
 */
import { auth, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export const REDIRECT_URL = "http://127.0.0.1:33418/callback";

/** Everything a client keeps between calls, in memory. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  /** The last authorization URL the SDK wanted a browser opened at. */
  authorizationUrl?: URL;
  discovery?: Awaited<ReturnType<NonNullable<OAuthClientProvider["discoveryState"]>>>;

  constructor(
    readonly name = "Test MCP client",
    readonly redirect = REDIRECT_URL,
  ) {}

  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
  saveDiscoveryState(state: NonNullable<typeof this.discovery>) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "client") this.client = undefined;
  }
}

/**
 * The person's part: open the authorization URL signed in (their session token), land on the consent
 * page, and answer it as its buttons do. Returns where the browser is sent back to the client.
 */
export async function answerConsent(fetchFn: FetchLike, origin: string, sessionToken: string, authorizationUrl: URL, accept: boolean): Promise<URL> {
  const headers = { authorization: `Bearer ${sessionToken}` };
  // As the web app's proxy passes a browser's navigation on: its server-side fetch says "cors".
  const opened = await fetchFn(authorizationUrl, { headers: { ...headers, "sec-fetch-mode": "cors", accept: "text/html" }, redirect: "manual" });
  const location = opened.headers.get("location");
  if (!location) throw new Error(`the authorization URL answered ${opened.status} without a redirect: ${await opened.text()}`);
  const consentPage = new URL(location, origin);
  if (consentPage.pathname !== "/consent") return consentPage;
  const answered = await fetchFn(`${origin}/api/auth/oauth2/consent`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ accept, oauth_query: consentPage.search.slice(1) }),
  });
  const body = (await answered.json()) as { url?: string; redirect_uri?: string };
  const back = body.url ?? body.redirect_uri;
  if (!back) throw new Error(`consent answered ${answered.status}: ${JSON.stringify(body)}`);
  return new URL(back);
}

/**
 * The whole sign-in of an MCP client at `mcpUrl`, as the SDK runs it: a first call gets 401, `auth()`
 * discovers, registers and asks for the authorization URL, the person answers, and `auth()` exchanges
 * the code. Returns the provider holding the tokens, or throws with where the person was sent back.
 */
export async function connectWithOAuth(
  fetchFn: FetchLike,
  mcpUrl: string,
  sessionToken: string,
  options: { provider?: MemoryOAuthProvider; accept?: boolean; scope?: string } = {},
): Promise<{ provider: MemoryOAuthProvider; redirect: URL }> {
  const provider = options.provider ?? new MemoryOAuthProvider();
  const first = await fetchFn(mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: "{}",
  });
  const header = first.headers.get("www-authenticate") ?? "";
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(header)?.[1];
  if (first.status !== 401 || !metadataUrl) throw new Error(`expected a 401 pointing at resource metadata, got ${first.status} ${header}`);
  const started = await auth(provider, {
    serverUrl: mcpUrl,
    resourceMetadataUrl: new URL(metadataUrl),
    fetchFn,
    ...(options.scope ? { scope: options.scope } : {}),
  });
  if (started !== "REDIRECT" || !provider.authorizationUrl) throw new Error(`auth() answered ${started}`);
  const origin = new URL(mcpUrl).origin;
  const redirect = await answerConsent(fetchFn, origin, sessionToken, provider.authorizationUrl, options.accept ?? true);
  const code = redirect.searchParams.get("code");
  if (code) {
    const done = await auth(provider, { serverUrl: mcpUrl, authorizationCode: code, fetchFn });
    if (done !== "AUTHORIZED") throw new Error(`code exchange answered ${done}`);
  }
  return { provider, redirect };
}

/** An MCP client over streamable HTTP carrying the provider's access token (refreshing it on a 401). */
export async function mcpClientFor(fetchFn: FetchLike, mcpUrl: string, provider: OAuthClientProvider) {
  const client = new McpClient({ name: "oauth-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: fetchFn }));
  return client;
}
