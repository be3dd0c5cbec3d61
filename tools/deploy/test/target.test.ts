/**
 * From options to a target: both seeds' layouts, the namespace each overlay is written for, the
 * release order, the images and their size targets, and the usage errors a newcomer can act on.
 */
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { durationMs, parseCommandLine } from "../src/options.ts";
import { imageTag } from "../src/image-tag.ts";
import { rel, repoRoot, resolveTarget, UsageError } from "../src/target.ts";

/** A machine without git (a newcomer's bare Node container) tags with the appVersion alone (image-tag.test). */
const TAG = spawnSync("git", ["--version"]).error ? /^1\.0\.0$/ : /^1\.0\.0-[0-9a-f]{12}(-dirty-[0-9a-f]{10})?$/;

const summary = (t: ReturnType<typeof resolveTarget>) => ({
  layout: t.layout,
  namespace: t.namespace,
  releases: t.releases.map((r) => [r.name, r.chart, r.valuesFiles.map(rel).filter((f) => !f.endsWith("values-local.yaml"))]),
});

describe("the target", () => {
  it("defaults to seed 000 on Minikube: one release todo-chatbot in todo-app with values-minikube.yaml", () => {
    assert.deepEqual(summary(resolveTarget({})), {
      layout: "umbrella",
      namespace: "todo-app",
      releases: [["todo-chatbot", "todo-chatbot", ["deploy/helm/todo-chatbot/values-minikube.yaml"]]],
    });
  });

  it("gives seed 004's clusterip overlay a release per service in todo, the backend first", () => {
    const t = resolveTarget({ values: "clusterip" });
    assert.deepEqual(summary(t), {
      layout: "split",
      namespace: "todo",
      releases: [
        ["todo-backend", "todo-backend", ["deploy/helm/todo-backend/values-clusterip.yaml"]],
        ["todo-frontend", "todo-frontend", ["deploy/helm/todo-frontend/values-clusterip.yaml"]],
      ],
    });
    assert.deepEqual(
      t.releases.map((r) => r.serviceNames),
      [{ backend: "todo-backend" }, { frontend: "todo-frontend" }],
    );
  });

  it("infers the layout from an overlay's path, and --layout overrides it", () => {
    assert.equal(resolveTarget({ values: "deploy/helm/todo-chatbot/values-clusterip.yaml" }).layout, "umbrella");
    assert.equal(resolveTarget({ values: "deploy/helm/todo-frontend/values-minikube.yaml" }).layout, "split");
    assert.equal(resolveTarget({ values: "values-clusterip.yaml", layout: "umbrella" }).releases[0]!.name, "todo-chatbot");
    const split = resolveTarget({ values: "minikube", layout: "split" });
    assert.deepEqual(
      split.releases.map((r) => r.name),
      ["todo-backend", "todo-frontend"],
    );
    assert.equal(split.namespace, "todo-app");
  });

  it("builds the images the charts run, with seed 004's size targets, tagged for this checkout", () => {
    const target = resolveTarget({});
    const { tag } = imageTag(repoRoot, "1.0.0");
    assert.match(tag, TAG);
    assert.equal(target.imageTag, tag);
    assert.deepEqual(
      target.images.map((i) => [i.tag, i.dockerfile, i.port, i.maxBytes]),
      [
        [`todo-backend:${tag}`, "apps/api/Dockerfile", 8000, 300_000_000],
        [`todo-frontend:${tag}`, "apps/web/Dockerfile", 3000, 200_000_000],
      ],
    );
    assert.equal(resolveTarget({ tag: "2.1.0-rc1" }).images[0]!.tag, "todo-backend:2.1.0-rc1", "--tag names it");
    assert.throws(() => resolveTarget({ tag: "-bad/tag" }), /--tag -bad\/tag: a tag is up to 128/);
  });

  it("refuses a namespace the overlay is not written for, and says what to do", () => {
    assert.throws(
      () => resolveTarget({ values: "minikube", namespace: "default" }),
      (e: Error) => e instanceof UsageError && /written for namespace "todo-app"/.test(e.message) && /--values base/.test(e.message),
    );
    assert.equal(resolveTarget({ values: "minikube", namespace: "todo-app" }).namespace, "todo-app");
    assert.equal(resolveTarget({ values: "base", namespace: "sandbox" }).namespace, "sandbox");
    assert.deepEqual(
      resolveTarget({ values: "base", namespace: "sandbox" }).releases[0]!.valuesFiles.filter((f) => !f.endsWith("values-local.yaml")),
      [],
    );
  });

  it("rejects an unknown overlay, a missing file and a bad layout", () => {
    assert.throws(() => resolveTarget({ values: "production" }), /not one of the charts' overlays/);
    assert.throws(() => resolveTarget({ values: "deploy/helm/todo-chatbot/values-nope.yaml" }), UsageError);
    assert.throws(() => resolveTarget({ values: "/tmp/elsewhere/values-minikube.yaml" }), /no such file|give one of the charts' overlays/);
    assert.throws(() => resolveTarget({ layout: "mono" }), /use umbrella or split/);
  });
});

describe("the command line", () => {
  it("parses a command with its options", () => {
    const c = parseCommandLine(["all", "--values", "clusterip", "--context", "minikube", "--dry-run", "--json", "--timeout", "10m"]);
    assert.notEqual(c, "help");
    if (c === "help") return;
    assert.equal(c.command, "all");
    assert.deepEqual(c.target, { values: "clusterip", layout: undefined, namespace: undefined, context: "minikube", tag: undefined });
    assert.equal(c.dryRun, true);
    assert.equal(c.json, true);
    assert.equal(c.settings.helmTimeout, "10m");
    assert.equal(c.settings.readyTimeoutMs, 600_000);
  });

  it("rejects what it cannot run, with the fix in the message", () => {
    assert.throws(() => parseCommandLine([]), /which command\?/);
    assert.throws(() => parseCommandLine(["deploy"]), /unknown command "deploy": use one of all, build/);
    assert.throws(() => parseCommandLine(["all", "release"]), /one command at a time/);
    assert.throws(() => parseCommandLine(["all", "--valuez", "x"]), UsageError);
    assert.throws(() => parseCommandLine(["build", "--engine", "nerdctl"]), /use docker or podman/);
    assert.throws(() => parseCommandLine(["rollback", "--revision", "last"]), /a revision number/);
    assert.equal(parseCommandLine(["--help"]), "help");
    assert.equal(durationMs("1h30m"), 5_400_000);
    assert.throws(() => durationMs("5 minutes"), /use a duration/);
  });
});
