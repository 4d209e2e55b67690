// Errors for paths given by the user: the absolute path (a relative one depends on the notebook's folder, which
// is easy to misjudge) and which of the two mistakes it is, missing or the wrong kind.
import { statSync } from "node:fs";
import { resolve } from "node:path";

function kindOf(path: string): "folder" | "file" | "missing" {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return "missing";
  }
}

function describe(path: string): string {
  const absolute = resolve(path);
  return absolute === path ? JSON.stringify(path) : `${JSON.stringify(path)} (${absolute})`;
}

/** Throws unless `path` is an existing folder. `what` names the caller, e.g. "loadLogdir". */
export function requireFolder(path: string, what: string): void {
  const kind = kindOf(path);
  if (kind === "folder") return;
  if (kind === "missing") {
    throw new Error(`${what}: ${describe(path)} does not exist (relative paths start at ${process.cwd()})`);
  }
  throw new Error(`${what}: ${describe(path)} is a file, not a folder`);
}

/** Throws unless `path` is an existing file. */
export function requireFile(path: string, what: string): void {
  const kind = kindOf(path);
  if (kind === "file") return;
  if (kind === "missing") {
    throw new Error(`${what}: ${describe(path)} does not exist (relative paths start at ${process.cwd()})`);
  }
  throw new Error(`${what}: ${describe(path)} is a folder, not a file`);
}
