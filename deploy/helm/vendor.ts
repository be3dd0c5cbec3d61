/**
 * Re-vendors the charts' file:// dependencies into their charts/ folders, in dependency order
 * (todo-lib into the two service charts, then those into todo-chatbot), with the real helm and no
 * network. The packaged .tgz files are committed so that `helm install`, `helm lint` and
 * `helm template` work offline straight from a clone. Run after editing any chart:
 *   npm run charts:vendor -w @todo/deploy
 * tests/charts.test.ts fails when a committed package differs from its source folder.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { helmOk } from "./helm.ts";

const helmDir = fileURLToPath(new URL(".", import.meta.url));
for (const chart of ["todo-backend", "todo-frontend", "todo-chatbot"]) {
  helmOk(["dependency", "update", "--skip-refresh", join(helmDir, chart)]);
  console.log(`vendored the dependencies of ${chart}`);
}
