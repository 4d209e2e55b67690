// tensorscope as a user gets it: `npm pack`, an empty project, the README's install commands (the tarball, and a
// git URL of a clone, which npm compiles through `prepare`), `npx tensorscope setup`, ES module and CommonJS
// scripts, strict TypeScript, and a notebook in a subfolder run by `nbtest` and by Jupyter's own
// `nbconvert --execute`. One pass, steps in order; it needs `npm run setup` (npm's cache filled for an offline
// install) and `npm run build` (dist/) first.
//
// The install commands are read from the README and run as written, so the test does what users are told:
// `--offline` (npm takes everything from its cache: no network at all, or npm fails with ENOTCACHED), with
// @tensorflow/tfjs-node's install script off (it downloads libtensorflow; `tensorscope setup` deals with that).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUTER_PACKAGE_DIGEST, packageDigest } from "./package-digest";

const REPO = join(__dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");
const REPO_PYTHON = join(REPO, ".venv", "bin", "python");
const work = mkdtempSync(join(tmpdir(), "tensorscope-user-"));
const project = join(work, "my-project");
// Jupyter's per-user folder, kept empty so that only the project's own kernelspec can be found.
const jupyterData = join(work, "jupyter-data");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  JUPYTER_DATA_DIR: jupyterData,
  JUPYTER_PATH: "",
  // Wheels and node-gyp's log; kept between runs so the wheel is fetched once per machine.
  TENSORSCOPE_CACHE_DIR: join(REPO, ".cache", "package-test"),
  TF_CPP_MIN_LOG_LEVEL: "2",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};
delete env.VIRTUAL_ENV;
delete env.TENSORSCOPE_BACKEND;
delete env.TENSORSCOPE_QUIET;

function run(command: string, args: string[], cwd = project): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 600_000 });
  if (result.error) throw result.error;
  return result;
}

function ok(command: string, args: string[], cwd = project): SpawnSyncReturns<string> {
  const result = run(command, args, cwd);
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(" ")} failed (${result.status})\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

function notebook(cells: { source: string; stdout: string }[]): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tensorscope", display_name: "TypeScript (tensorscope)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    cells: cells.map((cell, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: i + 1,
      metadata: {},
      source: cell.source,
      outputs: [{ output_type: "stream", name: "stdout", text: cell.stdout }],
    })),
  };
}

/** The lines of the README's ```sh block that contains `marker`, split into words (no shell quoting but '…'). */
function readmeCommands(marker: string): string[][] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const block = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].find((m) => m[1].includes(marker));
  assert.ok(block, `the README shows \`${marker}\``);
  return block[1]
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]));
}

/** Runs the README's commands, with its example paths replaced by real ones. */
function runReadme(commands: string[][], replace: Record<string, string>, cwd: string): void {
  for (const [command, ...args] of commands)
    ok(
      command,
      args.map((arg) => replace[arg] ?? arg),
      cwd,
    );
}

/** A word quoted for bash. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The README's git install of a fresh clone of this repository (its HEAD), into an empty project: one shell
 * script in the background, so that it goes on while the steps in order block this process.
 */
function gitInstall(): Promise<string> {
  const clone = join(work, "tensorscope-clone");
  const gitProject = join(work, "git-project");
  const commands = readmeCommands("git+file:///path/to/tensorscope");
  assert.ok(
    commands.some((args) => args.includes("install") && args.includes("--offline")),
    "the README's git install is offline",
  );
  const script = [
    ["git", "clone", "--quiet", REPO, clone],
    ["mkdir", gitProject],
    ["cd", gitProject],
    ["npm", "init", "-y"],
    ...commands.map((args) =>
      args.map((arg) => (arg === "git+file:///path/to/tensorscope" ? `git+file://${clone}` : arg)),
    ),
  ]
    .map((args) => args.map(quote).join(" "))
    .join(" && ");
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      ["-c", script],
      { env, timeout: 1_800_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${script}\nfailed: ${stdout}\n${stderr}`)) : resolve(gitProject),
    );
  });
}

/** Each file of an installed package and its contents' hash, but the widgets' JupyterLab extension. */
function packageFiles(dir: string): Map<string, string> {
  return new Map(
    filesBelow(dir)
      .filter((file) => !file.startsWith("widgets/labextension/"))
      .map((file) => [
        file,
        createHash("sha256")
          .update(readFileSync(join(dir, file)))
          .digest("hex"),
      ]),
  );
}

/** Every file below `dir`, relative to it, sorted. */
function filesBelow(dir: string, under = ""): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true })
    .flatMap((entry) => {
      const path = under ? `${under}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesBelow(dir, path) : [path];
    })
    .sort();
}

const NOTEBOOK_CELLS = [
  {
    // tensorscope, its widgets and the kernel API, with types, from two folders below node_modules
    source:
      'import { summary, tf, ready } from "tensorscope";\n' +
      'import { KernelGrid } from "tensorscope/widgets";\n' +
      'import { comms } from "tensorscope/kernel-ext";\n' +
      "const info = await ready();\n" +
      "console.log(info.choice, typeof summary, typeof KernelGrid, typeof comms.open);",
    stdout: "node function function function\n",
  },
  {
    // Node's own types (Buffer, process) are found from the notebook's folder upwards
    source:
      'const greeting: Buffer = Buffer.from("hello");\nconsole.log(greeting.length, typeof process.cwd());',
    stdout: "5 string\n",
  },
  {
    source:
      "const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });\n" +
      "console.log(summary(model).totalParams);",
    stdout: "10\n",
  },
  {
    // relative paths start at the notebook's folder
    source:
      'import { writeFileSync } from "node:fs";\nwriteFileSync("written-by-the-notebook.txt", "here");\n' +
      'console.log(process.cwd().endsWith("deep"));',
    stdout: "true\n",
  },
];

const SCRIPT_BODY = `
  const info = await ready();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, name: "conv" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3 }),
    ],
  });
  const result = new GradCAM(model, { targetLayer: "conv" }).compute(tf.zeros([1, 8, 8, 3]));
  const picture = result.toRgba();
  result.dispose();
  console.log(info.choice, summary(model).totalParams, picture.width >= 3 * 128, typeof widgets.KernelGrid);
`;

/**
 * In the nested run of test/tutorial/new-user.test.ts (a fresh clone's `npm test` inside the outer `npm test`),
 * this test would install the very same package as the outer run's: skipped there when the digests agree.
 */
function sameAsOuterRun(): string | false {
  const outer = process.env[OUTER_PACKAGE_DIGEST];
  if (!outer || !existsSync(join(REPO, "dist", "src", "index.js"))) return false;
  return packageDigest(REPO) === outer
    ? "the outer npm test installs this same package (same files, same bytes)"
    : false;
}

const skipped = sameAsOuterRun();
if (skipped) rmSync(work, { recursive: true, force: true });

test(
  "a user's project: install the tarball, set up, import from ESM/CJS/TypeScript, run a notebook anywhere",
  { skip: skipped },
  async (t) => {
    t.after(() => rmSync(work, { recursive: true, force: true }));
    assert.ok(existsSync(join(REPO, "dist", "src", "index.js")), "run `npm run build` first");
    mkdirSync(project);
    mkdirSync(jupyterData);
    // The git install (a clone's `npm install` with devDependencies, then `prepare` compiling it) takes minutes;
    // it runs beside the tarball's steps and is checked at the end.
    const fromGit = gitInstall();
    fromGit.catch(() => undefined);
    let tarballFiles = new Map<string, string>();

    await t.test(
      "npm pack, then the README's npm install of the tarball into an empty project, offline",
      () => {
        // --ignore-scripts: `prepare` would rebuild dist/, which the test run has just built.
        const packed = ok(
          "npm",
          ["pack", "--ignore-scripts", "--pack-destination", work],
          REPO,
        ).stdout.trim();
        const tarball = join(work, packed.split("\n").at(-1)!);
        ok("npm", ["init", "-y"]);
        const commands = readmeCommands(`tensorscope-${VERSION}.tgz`);
        const installs = commands.filter(([command, verb]) => command === "npm" && verb === "install");
        assert.equal(installs.length, 1, "one npm install line beside the tarball in the README");
        assert.ok(installs[0].includes("--offline"), "the README's install is offline");
        runReadme(installs, { [`./tensorscope-${VERSION}.tgz`]: tarball }, project);
        const installed = join(project, "node_modules", "tensorscope");
        for (const shipped of [
          "dist/src/index.d.ts",
          "esm/index.mjs",
          "widgets/package.json",
          "scripts/build-tfjs-node.sh",
        ]) {
          assert.ok(existsSync(join(installed, shipped)), `${shipped} is in the package`);
        }
        assert.ok(
          !existsSync(join(installed, "test")) && !existsSync(join(installed, "src")),
          "sources stay out",
        );
        tarballFiles = packageFiles(installed);
      },
    );

    await t.test(
      "before setup the slower backend runs, and the backend line says how to get the fast one",
      () => {
        writeFileSync(
          join(project, "backend.cjs"),
          'require("tensorscope").ready().then((i) => console.log(i.choice));',
        );
        const result = ok("node", ["backend.cjs"]);
        assert.equal(result.stdout.trim(), "wasm");
        assert.match(result.stderr, /using the wasm backend .*run `npx tensorscope setup`/);
      },
    );

    await t.test("npx tensorscope setup makes the native backend load and says what it did", () => {
      const result = ok("npx", ["tensorscope", "setup"]);
      assert.match(
        result.stdout,
        /the native backend loads \(.*my-project\/node_modules\/@tensorflow\/tfjs-node\)/,
      );
      const after = ok("node", ["backend.cjs"]);
      assert.equal(after.stdout.trim(), "node");
    });

    await t.test("an .mjs and a .cjs script import tensorscope and tensorscope/widgets", () => {
      writeFileSync(
        join(project, "esm.mjs"),
        'import { summary, tf, ready, GradCAM } from "tensorscope";\nimport * as widgets from "tensorscope/widgets";\n' +
          SCRIPT_BODY,
      );
      writeFileSync(
        join(project, "cjs.cjs"),
        'const { summary, tf, ready, GradCAM } = require("tensorscope");\nconst widgets = require("tensorscope/widgets");\n' +
          `(async () => {${SCRIPT_BODY}})();`,
      );
      // The ES module entry re-exports the CommonJS one: the same names, the same objects.
      writeFileSync(
        join(project, "same.mjs"),
        'import * as esm from "tensorscope";\nimport { createRequire } from "node:module";\n' +
          'const cjs = createRequire(import.meta.url)("tensorscope");\n' +
          "const names = Object.keys(cjs).filter((k) => k !== 'default');\n" +
          "console.log(names.length > 40 && names.every((k) => esm[k] === cjs[k]));",
      );
      for (const script of ["esm.mjs", "cjs.cjs"]) {
        assert.equal(ok("node", [script]).stdout.trim(), "node 275 true function", script);
      }
      assert.equal(ok("node", ["same.mjs"]).stdout.trim(), "true");
    });

    await t.test(
      "a .ts file compiles with tsc --strict (skipLibCheck, as tfjs's own declarations need)",
      () => {
        writeFileSync(
          join(project, "typed.ts"),
          'import { summary, tf, ready, models, type SummaryOptions } from "tensorscope";\n' +
            'import { KernelGrid } from "tensorscope/widgets";\n' +
            "async function main(): Promise<void> {\n" +
            "  await ready();\n" +
            "  const model: tf.LayersModel = models.resnet18({ inputShape: [32, 32, 3], classes: 10 });\n" +
            '  const options: SummaryOptions = { columns: ["outputSize", "numParams"] };\n' +
            "  console.log(summary(model, options).totalParams > 0, typeof KernelGrid);\n" +
            "}\nvoid main();\n",
        );
        // CommonJS output with classic resolution (package.json "types" fields), then Node's own ESM resolution
        // (the "exports" map's "types" conditions).
        const strict = [TSC, "--strict", "--skipLibCheck", "--target", "es2022"];
        ok("node", [...strict, "--module", "commonjs", "--outDir", "out-cjs", "typed.ts"]);
        const nodeNext = ["--module", "nodenext", "--moduleResolution", "nodenext", "--outDir", "out-esm"];
        writeFileSync(join(project, "typed.mts"), readFileSync(join(project, "typed.ts"), "utf8"));
        ok("node", [...strict, ...nodeNext, "typed.mts"]);
        assert.equal(ok("node", ["out-cjs/typed.js"]).stdout.trim(), "true function");
        assert.equal(ok("node", ["out-esm/typed.mjs"]).stdout.trim(), "true function");
        // A type error in the user's code is still reported through the package's declarations.
        writeFileSync(join(project, "wrong.ts"), 'import { summary } from "tensorscope";\nsummary(42);\n');
        const wrong = run("node", [
          TSC,
          "--strict",
          "--skipLibCheck",
          "--module",
          "commonjs",
          "--noEmit",
          "wrong.ts",
        ]);
        assert.notEqual(wrong.status, 0);
        assert.match(wrong.stdout, /wrong\.ts\(2,9\)/);
      },
    );

    const deep = join(project, "notebooks", "deep");
    const notebookPath = join(deep, "explore.ipynb");

    await t.test("with a .venv, setup links the widgets and kernel install puts the kernel there", () => {
      // The project's Python environment: a bare venv that sees the repository's Jupyter packages through a .pth
      // file (creating a venv and pip-installing JupyterLab would take minutes and need the package index).
      ok(REPO_PYTHON, ["-m", "venv", "--without-pip", ".venv"]); // the same Python version as the repository's
      const site = ok(join(project, ".venv", "bin", "python"), [
        "-c",
        "import sysconfig; print(sysconfig.get_path('purelib'))",
      ]);
      const repoSite = ok(
        REPO_PYTHON,
        ["-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        REPO,
      );
      writeFileSync(join(site.stdout.trim(), "repository-jupyter.pth"), repoSite.stdout.trim() + "\n");
      // The launchers pip would have written for jupyter_core and nbconvert, run by the project's Python.
      const launchers = { jupyter: "jupyter_core.command", "jupyter-nbconvert": "nbconvert.nbconvertapp" };
      for (const [name, module] of Object.entries(launchers)) {
        const launcher = join(project, ".venv", "bin", name);
        writeFileSync(
          launcher,
          `#!${join(project, ".venv", "bin", "python")}\nimport sys\nfrom ${module} import main\nsys.exit(main())\n`,
        );
        chmodSync(launcher, 0o755);
      }
      // Run again now that the project has a .venv: nothing to rebuild, and the widgets' extension is linked.
      const again = ok("npx", ["tensorscope", "setup"]);
      assert.match(again.stdout, /native binding already loads; nothing to do/);
      const extension = join(project, ".venv", "share", "jupyter", "labextensions", "tensorscope-widgets");
      assert.equal(
        realpathSync(extension),
        realpathSync(join(project, "node_modules", "tensorscope", "widgets", "labextension")),
      );
      assert.ok(existsSync(join(extension, "package.json")));
      const result = ok("npx", ["tensorscope", "kernel", "install"]);
      const kernelDir = join(project, ".venv", "share", "jupyter", "kernels", "tensorscope");
      assert.match(
        result.stdout,
        new RegExp(`installed kernelspec .* in ${kernelDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
      );
      const spec = JSON.parse(readFileSync(join(kernelDir, "kernel.json"), "utf8"));
      assert.equal(
        spec.argv[1],
        join(project, "node_modules", "tensorscope", "dist", "kernel-ext", "cli.js"),
      );
      assert.deepEqual(readdirSync(jupyterData), [], "nothing written to the user's Jupyter folder");
    });

    await t.test(
      "npx tensorscope nbtest runs a notebook two folders down, and fails when an output differs",
      () => {
        mkdirSync(deep, { recursive: true });
        writeFileSync(notebookPath, JSON.stringify(notebook(NOTEBOOK_CELLS), null, 1));
        // First with the kernelspec that kernel install wrote (found in the project's .venv), then with nbtest's own.
        const passed = run("npx", ["tensorscope", "nbtest", "--kernel", "tensorscope", "notebooks"]);
        assert.equal(passed.status, 0, passed.stdout + passed.stderr);
        assert.equal(readFileSync(join(deep, "written-by-the-notebook.txt"), "utf8"), "here");
        rmSync(join(deep, "written-by-the-notebook.txt"));
        const changed = NOTEBOOK_CELLS.map((cell, i) => (i === 2 ? { ...cell, stdout: "11\n" } : cell));
        writeFileSync(notebookPath, JSON.stringify(notebook(changed), null, 1));
        const failed = run("npx", ["tensorscope", "nbtest", "notebooks"]);
        assert.notEqual(failed.status, 0);
        assert.match(failed.stdout + failed.stderr, /-11\n\+10|11[\s\S]*10/);
        writeFileSync(notebookPath, JSON.stringify(notebook(NOTEBOOK_CELLS), null, 1));
      },
    );

    await t.test(
      "jupyter nbconvert --execute from the project's .venv runs it with the project's kernel",
      () => {
        ok(join(project, ".venv", "bin", "jupyter"), [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--output",
          "executed.ipynb",
          notebookPath,
        ]);
        const executed = JSON.parse(readFileSync(join(deep, "executed.ipynb"), "utf8"));
        const stdout = executed.cells.map(
          (cell: { outputs: { name?: string; text?: string | string[] }[] }) =>
            cell.outputs
              .filter((output) => output.name === "stdout")
              .map((output) => [output.text ?? ""].flat().join(""))
              .join(""),
        );
        assert.deepEqual(
          stdout,
          NOTEBOOK_CELLS.map((cell) => cell.stdout),
        );
        assert.ok(existsSync(join(deep, "written-by-the-notebook.txt")));
      },
    );

    await t.test(
      "the README's git install of a clone, offline: prepare compiles the same package",
      async () => {
        const gitProject = await fromGit;
        // The same package as the tarball's, file for file and byte for byte, but the widgets' JupyterLab extension.
        const fromGitFiles = packageFiles(join(gitProject, "node_modules", "tensorscope"));
        assert.deepEqual([...fromGitFiles.keys()], [...tarballFiles.keys()]);
        const differing = [...fromGitFiles].filter(([file, hash]) => tarballFiles.get(file) !== hash);
        assert.deepEqual(
          differing,
          [],
          "files that differ between the git install and the tarball's (a tree with uncommitted changes packs them; its clone has only HEAD)",
        );
        const loads = ok("node", ["-e", 'console.log(typeof require("tensorscope").summary)'], gitProject);
        assert.equal(loads.stdout.trim(), "function");
      },
    );
  },
);
