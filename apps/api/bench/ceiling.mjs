/**
 * The ceiling for `GET /api/tasks`: a bare node:http + pg server doing the same database work with
 * nothing in between — find the session by its token (bearer, raw or `token.signature`, or the
 * session cookie; no signature check), then the first page of that person's tasks with the same SQL
 * the API runs (prepared, with its total). Plain JavaScript on purpose: no loader, no framework.
 *
 *   PORT=… DATABASE_URL=… COOKIE_NAME=better-auth.session_token POOL_MAX=15 node bench/ceiling.mjs
 */
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 15) });
const cookiePrefix = `${process.env.COOKIE_NAME ?? "better-auth.session_token"}=`;

function tokenOf(req) {
  const authorization = req.headers.authorization;
  if (authorization) return authorization.slice(7).split(".")[0];
  const cookie = req.headers.cookie ?? "";
  const start = cookie.indexOf(cookiePrefix);
  if (start === -1) return "";
  const end = cookie.indexOf(";", start);
  return decodeURIComponent(cookie.slice(start + cookiePrefix.length, end === -1 ? undefined : end)).split(".")[0];
}

const server = createServer(async (req, res) => {
  try {
    const session = await pool.query({
      name: "session",
      text: "select user_id from session where token = $1 and expires_at > now() limit 1",
      values: [tokenOf(req)],
    });
    const userId = session.rows[0]?.user_id;
    if (!userId) {
      res.writeHead(401).end();
      return;
    }
    const page = await pool.query({
      name: "page",
      text: "select *, count(*) over() as total from tasks where user_id = $1 order by created_at desc, number desc limit $2 offset $3",
      values: [userId, 50, 0],
    });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tasks: page.rows, total: Number(page.rows[0]?.total ?? 0) }));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ceiling listening"));
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
