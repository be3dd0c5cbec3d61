/**
 * The images' tag follows the source (issue 18, item 3: a fixed tag rolled nothing after a code
 * change): in a scratch git repository, the same tree gives the same tag, an edit, a staged
 * change or a new file gives a new one, an ignored file does not, and a commit gives a clean tag.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageTag, isValidTag } from "../src/image-tag.ts";

const dir = mkdtempSync(join(tmpdir(), "todo-tag-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], { cwd: dir })
    .toString()
    .trim();

/** A machine without git (a newcomer's bare Node container) still tags, as the first test checks. */
const noGit = spawnSync("git", ["--version"]).error ? "git is not installed on this machine" : false;

describe("the images' tag", () => {
  it("is the appVersion, with a note saying how to name builds, outside a git checkout or without git", () => {
    assert.equal(imageTag(dir, "1.0.0").tag, "1.0.0", "not a git checkout: the appVersion");
    assert.match(imageTag(dir, "1.0.0").note!, /pass --tag/);
  });

  it("is appVersion-commit on a clean tree, and changes with every change to the source", { skip: noGit }, () => {
    git("init", "-q");
    writeFileSync(join(dir, "main.ts"), "export const a = 1;\n");
    writeFileSync(join(dir, ".gitignore"), "values-local.yaml\n");
    git("add", ".");
    git("commit", "-qm", "first");
    const sha = git("rev-parse", "--short=12", "HEAD");
    const clean = imageTag(dir, "1.0.0");
    assert.deepEqual(clean, { tag: `1.0.0-${sha}` });
    assert.deepEqual(imageTag(dir, "1.0.0"), clean, "the same tree, the same tag: build and release agree");

    writeFileSync(join(dir, "values-local.yaml"), "secret: x\n");
    assert.deepEqual(imageTag(dir, "1.0.0"), clean, "an ignored file is not the source");

    writeFileSync(join(dir, "main.ts"), "export const a = 2;\n");
    const edited = imageTag(dir, "1.0.0").tag;
    assert.match(edited, new RegExp(`^1\\.0\\.0-${sha}-dirty-[0-9a-f]{10}$`));
    writeFileSync(join(dir, "main.ts"), "export const a = 3;\n");
    const editedAgain = imageTag(dir, "1.0.0").tag;
    assert.notEqual(editedAgain, edited, "another edit, another tag");
    git("add", "main.ts");
    assert.equal(imageTag(dir, "1.0.0").tag, editedAgain, "staging changes nothing: the tree is the same");

    writeFileSync(join(dir, "new.ts"), "export {};\n");
    const withNew = imageTag(dir, "1.0.0").tag;
    assert.notEqual(withNew, editedAgain, "a new file counts");
    writeFileSync(join(dir, "new.ts"), "export const b = 1;\n");
    assert.notEqual(imageTag(dir, "1.0.0").tag, withNew, "and so does its content");

    git("add", ".");
    git("commit", "-qm", "second");
    assert.deepEqual(imageTag(dir, "1.0.0"), { tag: `1.0.0-${git("rev-parse", "--short=12", "HEAD")}` });
    for (const t of [clean.tag, edited, withNew]) assert.ok(isValidTag(t), t);
  });
});
