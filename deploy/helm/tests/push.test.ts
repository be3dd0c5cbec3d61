/**
 * Web Push in the charts: off by default (no VAPID key, no egress to push services); on, the
 * backend's Secret carries a VAPID key (given, or generated as a P-256 EC key like the auth
 * secret is) and only the API's pods, not the migration Job, may reach push services on 443.
 */
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { describe, it } from "node:test";
import { find, render, secretValues, tryRender } from "./render.ts";

const DB = "secret.values.DATABASE_URL=postgresql://u:p@db.example:5432/todo";
const rulePorts = (egress: any[]) => egress.map((r) => r.ports.map((p: any) => p.port).join(","));

describe("Web Push values", () => {
  it("is off by default: no VAPID key in the Secret and no rule for push services", () => {
    const objects = render("todo-backend", "values.yaml", { set: [DB] });
    assert.ok(!("VAPID_PRIVATE_KEY" in secretValues(find(objects, "Secret", "todo-backend-secret"))));
    assert.deepEqual(rulePorts(find(objects, "NetworkPolicy", "todo-backend").spec.egress), ["53,53", "5432", "443"]);
  });

  it("on: a generated P-256 key in both Secrets the API reads, and 443 to outside addresses for the API's pods only", () => {
    const objects = render("todo-backend", "values.yaml", { set: [DB, "push.enabled=true"] });
    const key = secretValues(find(objects, "Secret", "todo-backend-secret")).VAPID_PRIVATE_KEY;
    assert.ok(key, "the Secret carries a VAPID key");
    const parsed = createPrivateKey(key);
    assert.equal(parsed.asymmetricKeyType, "ec");
    assert.equal(parsed.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.equal(secretValues(find(objects, "Secret", "todo-backend-migrate")).VAPID_PRIVATE_KEY, key, "one key, written once per render");

    const egress = find(objects, "NetworkPolicy", "todo-backend").spec.egress;
    assert.deepEqual(rulePorts(egress), ["53,53", "5432", "443", "443"]);
    const push = egress.at(-1);
    assert.equal(push.to.length, 1);
    assert.equal(push.to[0].ipBlock.cidr, "0.0.0.0/0");
    assert.ok(push.to[0].ipBlock.except.includes("169.254.0.0/16"), "not cloud metadata");
    assert.ok(push.to[0].ipBlock.except.length >= 3, "not the cluster's pod and Service ranges");
    assert.deepEqual(rulePorts(find(objects, "NetworkPolicy", "todo-backend-migrate").spec.egress), ["53,53", "5432", "443"]);
  });

  it("on with a given key: that key, as given; through the umbrella chart too", () => {
    const given = "BASE64URL_VAPID_PRIVATE_KEY_given_by_the_operator";
    const objects = render("todo-backend", "values.yaml", { set: [DB, "push.enabled=true", `secret.values.VAPID_PRIVATE_KEY=${given}`] });
    assert.equal(secretValues(find(objects, "Secret", "todo-backend-secret")).VAPID_PRIVATE_KEY, given);
    const umbrella = render("todo-chatbot", "values.yaml", { set: ["backend.push.enabled=true"] });
    assert.ok(secretValues(find(umbrella, "Secret", "todo-chatbot-backend-secret")).VAPID_PRIVATE_KEY);
    assert.equal(find(umbrella, "NetworkPolicy", "todo-chatbot-backend").spec.egress.at(-1).ports[0].port, 443);
  });

  it("where helm cannot see the cluster, a key it would have to generate stops the render naming the value", () => {
    const res = tryRender("todo-backend", "values.yaml", {
      generateWithoutCluster: false,
      set: [DB, "push.enabled=true", "secret.values.BETTER_AUTH_SECRET=0123456789abcdef0123456789abcdef"],
    });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /VAPID_PRIVATE_KEY/);
  });

  it("rejects a misspelt push value", () => {
    const res = tryRender("todo-backend", "values.yaml", { set: [DB, "push.enable=true"] });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /push/);
  });
});
