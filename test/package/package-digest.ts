// What `npm pack` would put in the package, as one hash: the files npm lists and their bytes, but the widgets'
// JupyterLab extension (a webpack build of sources that are in the hash). Two clones at one commit, set up and
// built, give the same digest; the nested new-user run uses it to skip the package test the outer run does.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const OUTER_PACKAGE_DIGEST = "TENSORSCOPE_OUTER_PACKAGE_DIGEST";

export function packageDigest(root: string): string {
  const listed = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (listed.status !== 0) throw new Error(`npm pack --dry-run failed in ${root}:\n${listed.stderr}`);
  const [pack] = JSON.parse(listed.stdout) as { files: { path: string }[] }[];
  const hash = createHash("sha256");
  for (const { path } of [...pack.files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (path.startsWith("widgets/labextension/")) continue;
    hash
      .update(`${path}\0`)
      .update(readFileSync(join(root, path)))
      .update("\0");
  }
  return hash.digest("hex");
}
