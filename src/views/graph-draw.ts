// The graph dashboard's drawing code, run both in Node (the still SVG) and in the browser (the live view, where a
// click expands or collapses a scope). drawGraph is self-contained on purpose: the page gets its source text
// (Function.prototype.toString), so it may use nothing from outside its own body except its arguments.
/* eslint-disable @typescript-eslint/no-explicit-any -- dagre's graph labels are untyped bags */

export interface GraphNodeData {
  /** Full name; "/" separates name scopes. */
  name: string;
  op: string;
  /** Names of the nodes feeding this one. */
  inputs: string[];
  /** Output shape as text ("" when unknown). */
  shape: string;
}

export interface GraphData {
  nodes: GraphNodeData[];
}

/**
 * Lays out the graph with dagre (scopes in `expanded` drawn as clusters, the others as one box each) and returns
 * the SVG markup. Every user string passes through the local escape before reaching markup.
 */
export function drawGraph(data: GraphData, expanded: string[], dagre: any): string {
  const esc = (s: string): string =>
    String(s).replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
    );
  const open = new Set(expanded);
  const scopes = new Set<string>();
  for (const node of data.nodes) {
    const parts = node.name.split("/");
    for (let i = 1; i < parts.length; i++) scopes.add(parts.slice(0, i).join("/"));
  }
  // A name's visible stand-in: its outermost scope that is not expanded, else itself.
  const visible = (name: string): string => {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const scope = parts.slice(0, i).join("/");
      if (!open.has(scope)) return scope;
    }
    return name;
  };
  const parentOf = (name: string): string | undefined => {
    const cut = name.lastIndexOf("/");
    return cut < 0 ? undefined : name.slice(0, cut);
  };
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const byName = new Map(data.nodes.map((n) => [n.name, n]));
  const counts = new Map<string, number>();
  for (const node of data.nodes) {
    const v = visible(node.name);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const label = (name: string): string => name.slice(name.lastIndexOf("/") + 1);
  for (const [v, count] of counts) {
    const isScope = scopes.has(v) && !open.has(v);
    const node = byName.get(v);
    const lines = isScope
      ? [label(v), `${count} node${count === 1 ? "" : "s"}`]
      : [label(v), node ? node.op : "", node ? node.shape : ""];
    const width = Math.max(60, 7 * Math.max(...lines.map((l) => l.length)) + 20);
    g.setNode(v, { width, height: isScope ? 40 : 48, kind: isScope ? "scope" : "op", lines });
  }
  for (const scope of open) {
    if (!scopes.has(scope) || visible(scope) !== scope) continue;
    g.setNode(`cluster:${scope}`, { kind: "cluster", scope, paddingTop: 22 });
  }
  for (const id of g.nodes()) {
    const attrs = g.node(id);
    const own = attrs.kind === "cluster" ? attrs.scope : id;
    const parent = parentOf(own);
    if (parent !== undefined && open.has(parent) && g.hasNode(`cluster:${parent}`))
      g.setParent(id, `cluster:${parent}`);
  }
  const edgeShapes = new Map<string, string>();
  for (const node of data.nodes) {
    const to = visible(node.name);
    for (const input of node.inputs) {
      if (!byName.has(input)) continue;
      const from = visible(input);
      if (from === to) continue;
      g.setEdge(from, to);
      edgeShapes.set(`${from}\u0000${to}`, byName.get(input)!.shape);
    }
  }
  dagre.layout(g);
  const out: string[] = [];
  const size = g.graph();
  const w = Math.ceil(size.width ?? 100);
  const h = Math.ceil(size.height ?? 100);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
  );
  const clusters = g.nodes().filter((id: string) => g.node(id).kind === "cluster");
  // Outer clusters first, so inner ones are drawn on top.
  clusters.sort((a: string, b: string) => a.split("/").length - b.split("/").length);
  for (const id of clusters) {
    const n = g.node(id);
    const [x, y] = [n.x - n.width / 2, n.y - n.height / 2];
    out.push(
      `<g class="cluster" data-scope="${esc(n.scope)}" style="cursor:pointer"><rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="6" fill="#f3f6fa" stroke="#9fb3c8"/>`,
      `<text x="${x + 6}" y="${y + 13}" font-weight="bold" fill="#34495e">− ${esc(label(n.scope))}</text></g>`,
    );
  }
  for (const e of g.edges()) {
    const points = g.edge(e).points as { x: number; y: number }[];
    const d = points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join("");
    const mid = points[Math.floor(points.length / 2)];
    const shape = edgeShapes.get(`${e.v}\u0000${e.w}`) ?? "";
    out.push(`<path d="${d}" fill="none" stroke="#888" marker-end="url(#arrow)"/>`);
    if (shape) out.push(`<text x="${mid.x + 4}" y="${mid.y}" fill="#777" font-size="9">${esc(shape)}</text>`);
  }
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n.kind === "cluster") continue;
    const [x, y] = [n.x - n.width / 2, n.y - n.height / 2];
    const scope = n.kind === "scope";
    out.push(
      `<g class="${scope ? "scope" : "op"}"${scope ? ` data-scope="${esc(id)}" style="cursor:pointer"` : ""}>`,
      scope
        ? `<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="8" fill="#fde9c9" stroke="#d98c1f"/>`
        : `<ellipse cx="${n.x}" cy="${n.y}" rx="${n.width / 2}" ry="${n.height / 2}" fill="#e4eefb" stroke="#5b87c5"/>`,
      ...n.lines
        .filter((l: string) => l !== "")
        .map(
          (l: string, i: number) =>
            `<text x="${n.x}" y="${y + 15 + i * 13}" text-anchor="middle"${i === 0 ? ' font-weight="bold"' : ' fill="#555"'}>${esc(scope && i === 0 ? `+ ${l}` : l)}</text>`,
        ),
      `</g>`,
    );
  }
  out.push(`</svg>`);
  return out.join("");
}

/**
 * The live view: draws into `host`, expands a collapsed scope or collapses a cluster on click, pans on drag and
 * zooms on the wheel (by rewriting the SVG's viewBox). Browser only; self-contained like drawGraph.
 */
export function mountGraph(
  host: any,
  data: GraphData,
  expanded: string[],
  dagre: any,
  draw: typeof drawGraph,
): void {
  const open = new Set(expanded);
  let view: number[] | undefined;
  const render = (): void => {
    host.innerHTML = draw(data, [...open], dagre);
    const svg = host.querySelector("svg");
    const full = svg.getAttribute("viewBox").split(" ").map(Number);
    const shown: number[] = view ?? full;
    view = shown;
    svg.setAttribute("viewBox", shown.join(" "));
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", String(Math.min(700, Math.max(300, full[3]))));
    svg.style.border = "1px solid #ddd";
    for (const el of svg.querySelectorAll("[data-scope]"))
      el.addEventListener("click", (event: any) => {
        event.stopPropagation();
        const scope = el.getAttribute("data-scope");
        if (open.has(scope))
          for (const s of [...open]) if (s === scope || s.startsWith(`${scope}/`)) open.delete(s);
        if (!el.classList.contains("cluster")) open.add(scope);
        view = undefined;
        render();
      });
    let drag: number[] | undefined;
    svg.addEventListener("mousedown", (e: any) => (drag = [e.clientX, e.clientY]));
    svg.addEventListener("mouseup", () => (drag = undefined));
    svg.addEventListener("mouseleave", () => (drag = undefined));
    svg.addEventListener("mousemove", (e: any) => {
      if (!drag || !view) return;
      const k = view[2] / svg.clientWidth;
      view = [view[0] - (e.clientX - drag[0]) * k, view[1] - (e.clientY - drag[1]) * k, view[2], view[3]];
      drag = [e.clientX, e.clientY];
      svg.setAttribute("viewBox", view.join(" "));
    });
    svg.addEventListener(
      "wheel",
      (e: any) => {
        if (!view) return;
        e.preventDefault();
        const f = e.deltaY > 0 ? 1.2 : 1 / 1.2;
        const r = svg.getBoundingClientRect();
        const cx = view[0] + ((e.clientX - r.left) / r.width) * view[2];
        const cy = view[1] + ((e.clientY - r.top) / r.height) * view[3];
        view = [cx - (cx - view[0]) * f, cy - (cy - view[1]) * f, view[2] * f, view[3] * f];
        svg.setAttribute("viewBox", view.join(" "));
      },
      { passive: false },
    );
  };
  render();
}
