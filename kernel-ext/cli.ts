#!/usr/bin/env node
// `tensorscope <command>`: the kernel, its kernelspec, the notebook runner and the tutorial. `--help` anywhere.
import { parseArgs } from "node:util";
import { installKernelSpec, uninstallKernelSpec, type InstallLocation } from "./kernelspec";

/** One entry a command: its usage lines (printed by `tensorscope <command> --help`) and what it does. */
const COMMANDS: Record<string, { usage: string; summary: string }> = {
  kernel: {
    summary: "run the Jupyter kernel, or install/uninstall its kernelspec",
    usage: `tensorscope kernel --connection-file <file>          run the Jupyter kernel (started by Jupyter)
  tensorscope kernel install [--user | --sys-prefix | --prefix <dir>] [--name <name>] [--python <python>]
  tensorscope kernel uninstall [--user | --sys-prefix | --prefix <dir>] [--name <name>]`,
  },
  nbtest: {
    summary: "run notebooks and compare their outputs with the stored ones (docs/kernel.md)",
    usage: `tensorscope nbtest <notebook or folder...> [--lax] [--update] [--timeout <seconds>] [--kernel <name>]
                     [--sanitize-with <file>]`,
  },
  tutorial: {
    summary: "run the tutorial notebooks, write them as HTML",
    usage: `tensorscope tutorial --out <dir>`,
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
  return { user: true };
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
  if (command === "nbtest") {
    const { nbtestCommand } = await import("./nbtest/command");
    return nbtestCommand(rest);
  }
  if (command === "tutorial") {
    const { tutorialCommand } = await import("./tutorial");
    return tutorialCommand(rest);
  }
  throw new UsageError(command ? `unknown command "${command}"` : "no command given");
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
