#!/usr/bin/env node
// `tensorscope <command>`: the set-up of a project, the kernel, its kernelspec, the notebook runner, the tutorial
// and the board. `--help` anywhere.
import { parseArgs } from "node:util";
import { defaultLocation, installKernelSpec, uninstallKernelSpec, type InstallLocation } from "./kernelspec";

/** One entry a command: its usage lines (printed by `tensorscope <command> --help`) and what it does. */
const COMMANDS: Record<string, { usage: string; summary: string }> = {
  setup: {
    summary: "make the native TensorFlow backend load in this project (after npm install)",
    usage: `tensorscope setup`,
  },
  kernel: {
    summary: "run the Jupyter kernel, or install/uninstall its kernelspec",
    usage: `tensorscope kernel --connection-file <file>          run the Jupyter kernel (started by Jupyter)
  tensorscope kernel install [--user | --sys-prefix | --prefix <dir>] [--name <name>] [--python <python>]
                     (default: the project's .venv if it has one, else --user)
  tensorscope kernel uninstall [--user | --sys-prefix | --prefix <dir>] [--name <name>]`,
  },
  nbtest: {
    summary: "run notebooks and compare their outputs with the stored ones (docs/kernel.md)",
    usage: `tensorscope nbtest <notebook or folder...> [--lax] [--update] [--timeout <seconds>] [--kernel <name>]
                     [--sanitize-with <file>] [--junit <file>] [--jobs <n>]`,
  },
  tutorial: {
    summary: "run the tutorial notebooks, write them as HTML",
    usage: `tensorscope tutorial --out <dir>`,
  },
  board: {
    summary: "serve a logdir's dashboards to a browser (docs/views.md)",
    usage: `tensorscope board <logdir> [--port <6006>] [--host <127.0.0.1>] [--reload-ms <5000>]`,
  },
};

function usage(command?: string): string {
  if (command) return `usage:\n  ${COMMANDS[command].usage}\n\n${COMMANDS[command].summary}`;
  const names = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
  const lines = Object.values(COMMANDS).map((entry) => `  ${entry.usage}`);
  const more = "'tensorscope <command> --help' prints one command's usage.";
  return `commands:\n${names.join("\n")}\n\nusage:\n${lines.join("\n")}\n\n${more}`;
}

const isHelpFlag = (arg: string | undefined): boolean => arg === "--help" || arg === "-h";

class UsageError extends Error {}

function location(values: {
  user?: boolean;
  "sys-prefix"?: boolean;
  prefix?: string;
  python?: string;
}): InstallLocation {
  const chosen = [values.user, values["sys-prefix"], values.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("choose one of --user, --sys-prefix, --prefix");
  if (values.prefix !== undefined) return { prefix: values.prefix };
  if (values["sys-prefix"]) return { sysPrefix: true, python: values.python };
  if (values.user) return { user: true };
  return defaultLocation();
}

function kernelSpecCommand(action: "install" | "uninstall", args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: "boolean" },
      "sys-prefix": { type: "boolean" },
      prefix: { type: "string" },
      name: { type: "string" },
      python: { type: "string" },
    },
  });
  if (action === "install") {
    console.log(
      `installed kernelspec "TypeScript (tensorscope)" in ${installKernelSpec(location(values), values.name)}`,
    );
    return 0;
  }
  const removed = uninstallKernelSpec(location(values), values.name);
  console.log(removed ? `removed kernelspec ${removed}` : "no tensorscope kernelspec was installed there");
  return 0;
}

async function runKernel(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { "connection-file": { type: "string", short: "f" }, "config-path": { type: "string" } },
  });
  const file = values["connection-file"] ?? values["config-path"];
  if (!file) throw new UsageError("kernel needs --connection-file <file>");
  const { Kernel } = await import("./kernel");
  const kernel = Kernel.fromConnectionFile(file);
  process.on("SIGINT", () => kernel.interrupt());
  process.on("uncaughtException", (error) => kernel.reportError(error, "uncaught exception"));
  process.on("unhandledRejection", (reason) => kernel.reportError(reason, "unhandled promise rejection"));
  await kernel.start();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (isHelpFlag(command) || command === "help") {
    console.log(usage(rest[0] !== undefined && rest[0] in COMMANDS ? rest[0] : undefined));
    return 0;
  }
  if (command !== undefined && command in COMMANDS && rest.some(isHelpFlag)) {
    console.log(usage(command));
    return 0;
  }
  if (command === "kernel" && (rest[0] === "install" || rest[0] === "uninstall")) {
    return kernelSpecCommand(rest[0], rest.slice(1));
  }
  if (command === "kernel") {
    await runKernel(rest);
    return -1; // keeps running
  }
  if (command === "setup") {
    const { setupCommand } = await import("./setup");
    return setupCommand(rest);
  }
  if (command === "nbtest") {
    const { nbtestCommand } = await import("./nbtest/command");
    return nbtestCommand(rest);
  }
  if (command === "tutorial") {
    const { tutorialCommand } = await import("./tutorial");
    return tutorialCommand(rest);
  }
  if (command === "board") return boardCommand(rest);
  throw new UsageError(command ? `unknown command "${command}"` : "no command given");
}

async function boardCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: "string" }, host: { type: "string" }, "reload-ms": { type: "string" } },
  });
  if (positionals.length !== 1) throw new UsageError("board needs one logdir");
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, got "${text}"`);
    return Number(text);
  };
  const { startBoard } = await import("../src/board/server");
  const board = await startBoard({
    logdir: positionals[0],
    port: number("port", values.port),
    host: values.host,
    reloadMs: number("reload-ms", values["reload-ms"]),
  });
  console.log(`tensorscope board: serving ${positionals[0]} at ${board.url} (Ctrl-C to stop)`);
  process.on("SIGINT", () => void board.close().then(() => process.exit(0)));
  process.on("SIGTERM", () => void board.close().then(() => process.exit(0)));
  return -1; // keeps running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: Error) => {
    const isUsageError =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`tensorscope: ${error.message}${isUsageError ? `\n${usage()}` : ""}`);
    process.exitCode = 2;
  },
);
