// `tensorscope board <logdir>`: the notebook's dashboards served to a browser by fastify. Binds 127.0.0.1 unless
// told otherwise; serves a fixed set of scripts and JSON computed from the logdir (no route maps a URL to a file
// path, so no path can reach outside); GET only, small headers, no bodies; re-reads the logdir every reloadMs and
// pushes a notice to open pages (server-sent events), which then fetch the new points.
import Fastify, { type FastifyInstance } from "fastify";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Logdir } from "../events/logdir";
import { checkedLogdir } from "./paths";
import { catalog, scalarRange, signature, viewPayload } from "./data";
import { boardPage } from "./page";
import { DASHBOARD_KINDS, type DashboardKind } from "../views/catalog";
import { dagreBrowserBundle } from "../views/graph";
import type { XAxis } from "../views/scalars-live";

export interface BoardOptions {
  logdir: string;
  /** Default 6006, as TensorBoard; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** How often the logdir is re-read and new points pushed to open pages (default 5000 ms). */
  reloadMs?: number;
}

export interface Board {
  url: string;
  port: number;
  /** Re-reads the logdir now and tells open pages if anything was added. */
  reload(): void;
  close(): Promise<void>;
}

const packageFile = (name: string, file: string): string =>
  join(dirname(require.resolve(`${name}/package.json`)), file);

/** The only files the board serves, by name. */
function staticFiles(): Map<string, () => string> {
  const cached = (path: () => string): (() => string) => {
    let text: string | undefined;
    return () => (text ??= readFileSync(path(), "utf8"));
  };
  return new Map([
    ["vega.min.js", cached(() => packageFile("vega", "build/vega.min.js"))],
    ["dagre.min.js", cached(dagreBrowserBundle)],
  ]);
}

function checkOptions(options: BoardOptions): Required<BoardOptions> {
  const { port = 6006, host = "127.0.0.1", reloadMs = 5000 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`board: port must be an integer in [0, 65535], got ${port}`);
  if (typeof host !== "string" || host === "")
    throw new TypeError(`board: host must be a name or address, got ${String(host)}`);
  if (!(reloadMs >= 100)) throw new RangeError(`board: reloadMs must be at least 100, got ${reloadMs}`);
  return { logdir: checkedLogdir(options.logdir), port, host, reloadMs };
}

function routes(
  app: FastifyInstance,
  logdir: Logdir,
  reloadMs: number,
  clients: Set<(version: number) => void>,
): void {
  const files = staticFiles();
  app.get("/", async (_, reply) => reply.type("text/html; charset=utf-8").send(boardPage(reloadMs)));
  app.get<{ Params: { name: string } }>("/static/:name", async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return reply.code(404).send({ error: "not found" });
    return reply.type("text/javascript; charset=utf-8").header("cache-control", "max-age=3600").send(file());
  });
  app.get("/favicon.ico", async (_, reply) => reply.code(204).send());
  app.get("/api/catalog", async () => catalog(logdir));
  app.get<{ Querystring: { kind?: string; tag?: string } }>("/api/view", async (request, reply) => {
    const { kind = "", tag = "" } = request.query;
    if (!DASHBOARD_KINDS.includes(kind as DashboardKind))
      return reply.code(404).send({ error: `no dashboard ${JSON.stringify(kind)}` });
    try {
      return await viewPayload(logdir, kind as DashboardKind, tag);
    } catch (error) {
      return reply.code(404).send({ error: (error as Error).message });
    }
  });
  app.get<{ Querystring: { tag?: string; axis?: string; lo?: string; hi?: string } }>(
    "/api/scalars",
    async (request, reply) => {
      const { tag = "", axis = "step", lo, hi } = request.query;
      const [from, to] = [Number(lo), Number(hi)];
      if (!["step", "relative", "wall"].includes(axis) || !Number.isFinite(from) || !Number.isFinite(to))
        return reply
          .code(400)
          .send({ error: "expected tag, axis (step | relative | wall), lo and hi numbers" });
      return scalarRange(logdir, tag, axis as XAxis, Math.min(from, to), Math.max(from, to));
    },
  );
  app.get("/api/events", (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    reply.raw.write(": connected\n\n");
    const send = (version: number): void => void reply.raw.write(`data: ${JSON.stringify({ version })}\n\n`);
    clients.add(send);
    request.raw.on("close", () => clients.delete(send));
  });
}

/** Starts the board on a logdir; resolves once it listens. */
export async function startBoard(options: BoardOptions): Promise<Board> {
  const { logdir: dir, port, host, reloadMs } = checkOptions(options);
  const logdir = new Logdir(dir).reload();
  // No route takes a body, so a few KB is plenty; Node refuses headers (and URLs) over 16 KB with 431.
  const app = Fastify({ bodyLimit: 4096, routerOptions: { maxParamLength: 200 }, logger: false });
  const clients = new Set<(version: number) => void>();
  let version = 0;
  let last = signature(logdir);
  const reload = (): void => {
    logdir.reload();
    const now = signature(logdir);
    if (now === last) return;
    last = now;
    version++;
    for (const send of clients) send(version);
  };
  routes(app, logdir, reloadMs, clients);
  const timer = setInterval(reload, reloadMs);
  timer.unref();
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    port: actualPort,
    reload,
    close: async () => {
      clearInterval(timer);
      clients.clear();
      await app.close();
    },
  };
}
