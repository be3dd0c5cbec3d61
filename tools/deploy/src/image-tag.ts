/**
 * The images' tag: one per state of the source, so that a deploy after a code change runs a new
 * tag, the pod template changes and the pods roll. (A fixed tag rolled nothing: the Deployment
 * was unchanged, and Minikube's docker driver keeps an image loaded under a tag that a container
 * uses.) The tag is the chart's appVersion, the commit, and for a working tree with changes a hash
 * of them (`git diff HEAD` and the untracked files that are not ignored): the same checkout always
 * gives the same tag, so `build` and a later `release` agree, and an unchanged tree redeploys
 * nothing.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ImageTag {
  tag: string;
  /** Why the tag could not follow the source (not a git checkout): printed by the build step. */
  note?: string;
}

function git(cwd: string, args: string[]): Buffer {
  return execFileSync("git", args, { cwd, maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
}

export function imageTag(cwd: string, appVersion: string): ImageTag {
  let sha: string;
  try {
    sha = git(cwd, ["rev-parse", "--short=12", "HEAD"]).toString().trim();
  } catch {
    return {
      tag: appVersion,
      note: `not a git checkout: the images are tagged ${appVersion} whatever the source, so a changed build does not roll the pods; pass --tag to name each build`,
    };
  }
  const diff = git(cwd, ["diff", "HEAD", "--binary"]);
  const untracked = git(cwd, ["ls-files", "--others", "--exclude-standard", "-z"]).toString().split("\0").filter(Boolean).sort();
  if (diff.length === 0 && untracked.length === 0) return { tag: `${appVersion}-${sha}` };
  const hash = createHash("sha256").update(diff);
  for (const file of untracked) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(join(cwd, file)));
    } catch {
      // a file that went away (or a socket) while we looked: its name is enough
    }
  }
  return { tag: `${appVersion}-${sha}-dirty-${hash.digest("hex").slice(0, 10)}` };
}

/** Docker's rule for a tag: up to 128 of [A-Za-z0-9_.-], not starting with . or -. */
export function isValidTag(tag: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag);
}
