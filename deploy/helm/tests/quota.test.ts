/**
 * The namespace's ResourceQuota against the rendered workloads: the steady state, plus every
 * Deployment's surge pods at once (an upgrade of the umbrella rolls both), plus one hook or test
 * pod, must fit under every hard limit. The seed's own figures (3 CPU of requests) do not: the
 * last test shows this check catching them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { byKind, isHook, podSpecOf, render, type K8sObject } from "./render.ts";

/** A Kubernetes quantity in base units (cores, bytes). */
export function quantity(q: string | number): number {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  if (!m) throw new Error(`not a quantity: ${q}`);
  const scale: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(m[1]) * scale[m[2] ?? ""]!;
}

const RESOURCES = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;
type Usage = Record<(typeof RESOURCES)[number] | "pods", number>;
const zero = (): Usage => ({ "requests.cpu": 0, "requests.memory": 0, "limits.cpu": 0, "limits.memory": 0, pods: 0 });

/** What one pod counts against a quota: the larger of its containers' sum and its largest init container. */
function podUsage(spec: any): Usage {
  const u = zero();
  u.pods = 1;
  for (const r of RESOURCES) {
    const [kind, name] = r.split(".") as ["requests" | "limits", "cpu" | "memory"];
    const of = (c: any) => quantity(c.resources?.[kind]?.[name] ?? 0);
    const main = spec.containers.reduce((sum: number, c: any) => sum + of(c), 0);
    const init = Math.max(0, ...(spec.initContainers ?? []).map(of));
    u[r] = Math.max(main, init);
  }
  return u;
}

function add(a: Usage, b: Usage, times = 1): Usage {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Usage)[]) out[k] += b[k] * times;
  return out;
}

/** The peak a namespace sees during a rolling update, from the rendered objects. */
export function peakUsage(objects: K8sObject[]): { steady: Usage; peak: Usage } {
  let steady = zero();
  let surge = zero();
  const extra = zero();
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const usage = podUsage(pod.spec);
    if (o.kind === "Deployment") {
      steady = add(steady, usage, o.spec.replicas ?? 1);
      const maxSurge = o.spec.strategy.rollingUpdate.maxSurge;
      assert.equal(typeof maxSurge, "number", "maxSurge as a count");
      surge = add(surge, usage, maxSurge);
    } else if (o.kind === "StatefulSet") {
      steady = add(steady, usage, o.spec.replicas ?? 1);
    } else if (isHook(o)) {
      // hook Jobs and test pods run one at a time, never during a rollout's surge and each other
      for (const k of Object.keys(extra) as (keyof Usage)[]) extra[k] = Math.max(extra[k], usage[k]);
    }
  }
  return { steady, peak: add(add(steady, surge), extra) };
}

export function quotaViolations(objects: K8sObject[]): string[] {
  const quotas = byKind(objects, "ResourceQuota");
  const { peak } = peakUsage(objects);
  const out: string[] = [];
  for (const q of quotas) {
    for (const [key, hard] of Object.entries(q.spec.hard as Record<string, string>)) {
      const used = peak[key as keyof Usage];
      assert.notEqual(used, undefined, `quota key ${key} is not counted by this test`);
      if (used > quantity(hard) + 1e-9) out.push(`${key}: ${used} > ${quantity(hard)}`);
    }
  }
  return out;
}

const layouts = [
  {
    name: "seed 004 split (todo-backend + todo-frontend, values-clusterip.yaml)",
    objects: () => [...render("todo-backend", "values-clusterip.yaml"), ...render("todo-frontend", "values-clusterip.yaml")],
  },
  { name: "todo-chatbot + values-clusterip.yaml", objects: () => render("todo-chatbot", "values-clusterip.yaml") },
];

describe("ResourceQuota with room for the rolling update's surge pods", () => {
  for (const layout of layouts) {
    it(`fits the peak of ${layout.name}`, () => {
      const objects = layout.objects();
      assert.equal(byKind(objects, "ResourceQuota").length, 1);
      assert.deepEqual(quotaViolations(objects), []);
    });

    it(`fits with a DATABASE_URL too (no in-cluster database) in ${layout.name}`, () => {
      const objects = layout.objects().filter((o) => o.metadata.labels?.["app.kubernetes.io/component"] !== "database");
      assert.deepEqual(quotaViolations(objects), []);
    });

    it(`admits every container under the LimitRange of ${layout.name}`, () => {
      const objects = layout.objects();
      const [lr] = byKind(objects, "LimitRange");
      assert.ok(lr, "a LimitRange");
      const max = lr.spec.limits[0].max;
      assert.ok(lr.spec.limits[0].default.cpu && lr.spec.limits[0].defaultRequest.memory);
      for (const o of objects) {
        const pod = podSpecOf(o);
        for (const c of pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers] : []) {
          for (const r of ["cpu", "memory"]) {
            assert.ok(quantity(c.resources.limits[r]) <= quantity(max[r]), `${o.metadata.name}/${c.name} ${r}`);
          }
        }
      }
    });
  }

  it("computes the seed-004 figures as the issue does (2.5 CPU steady, 3.25 with the backend's surge pod)", () => {
    const objects = [...render("todo-backend", "values-clusterip.yaml"), ...render("todo-frontend", "values-clusterip.yaml")];
    const apps = objects.filter((o) => o.kind === "Deployment");
    const { steady } = peakUsage(apps);
    assert.equal(steady["requests.cpu"], 2.5);
    assert.equal(steady["requests.memory"], 5 * 2 ** 30);
    const backend = apps.find((o) => o.metadata.name === "todo-backend")!;
    assert.equal(steady["requests.cpu"] + quantity(backend.spec.template.spec.containers[0].resources.requests.cpu), 3.25);
  });

  it("catches the seed's own quota (3 CPU / 6Gi requests, 4 CPU / 8Gi limits): no room for a surge pod", () => {
    const seedQuota = [
      "resourceQuota.hard.requests\\.cpu=3",
      "resourceQuota.hard.requests\\.memory=6Gi",
      "resourceQuota.hard.limits\\.cpu=4",
      "resourceQuota.hard.limits\\.memory=8Gi",
    ];
    const objects = [
      ...render("todo-backend", "values-clusterip.yaml", { set: [...seedQuota, "secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo"] }),
      ...render("todo-frontend", "values-clusterip.yaml"),
    ];
    assert.ok(quotaViolations(objects).length > 0);
    // even the backend's surge pod alone, with no hook pod, breaks it: 2.5 + 0.75 = 3.25 > 3
    const backendSurgeOnly = objects
      .filter((o) => !isHook(o))
      .map((o) =>
        o.kind === "Deployment" && o.metadata.name === "todo-frontend" ? { ...o, spec: { ...o.spec, strategy: { rollingUpdate: { maxSurge: 0 } } } } : o,
      );
    const violations = quotaViolations(backendSurgeOnly);
    assert.ok(violations.includes("requests.cpu: 3.25 > 3"), violations.join("; "));
  });
});
