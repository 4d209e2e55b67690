// The board page's script. boardClient runs in the browser only: the page gets its source text, so it may use
// nothing from outside its own body but its argument and the page's globals (vega, dagre, and the graph
// drawing functions of src/views/graph-draw.ts). The charts are the notebook views' own vega-lite specs, compiled
// to vega by the server.
/* eslint-disable @typescript-eslint/no-explicit-any -- browser globals (vega, DOM) are used untyped here */

export interface ClientOptions {
  /** Milliseconds between the page's checks for new data pushed by the server (for the status line). */
  reloadMs: number;
}

export function boardClient(options: ClientOptions): void {
  const w = window as any;
  const { vega, dagre, drawGraph, mountGraph } = w;
  const main = document.getElementById("main")!;
  const tabs = document.getElementById("tabs")!;
  const status = document.getElementById("status")!;
  let catalog: any;
  let current = "";
  let cards: { tag: string; refresh: () => Promise<void> }[] = [];
  const getJson = async (url: string): Promise<any> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const query = (params: Record<string, string | number>): string =>
    Object.entries(params)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");

  const download = (name: string, type: string, body: string): void => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([body], { type }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  };
  const toCsv = (rows: any[], fields: string[]): string =>
    [
      fields.join(","),
      ...rows.map((r) =>
        fields.map((f) => (r[f] === null || r[f] === undefined ? "" : JSON.stringify(r[f]))).join(","),
      ),
    ].join("\n");

  async function scalarCard(card: HTMLElement, tag: string, payload: any): Promise<() => Promise<void>> {
    const compiled = payload.vega;
    const host = document.createElement("div");
    card.appendChild(host);
    const view = new vega.View(vega.parse(compiled), { renderer: "svg", container: host, hover: true });
    view.insert("points", payload.rows);
    await view.runAsync();
    // The chart's vega view by tag, for the browser test and for poking at from the console.
    (w.__boardViews ??= {})[tag] = view;
    card.dataset.points = String(payload.rows.length);
    let zoomed: number[] | undefined;
    let timer: any;
    const replace = async (rows: any[]): Promise<void> => {
      await view
        .change(
          "points",
          vega
            .changeset()
            .remove(() => true)
            .insert(rows),
        )
        .runAsync();
      card.dataset.points = String(rows.length);
    };
    const fetchRange = async (): Promise<void> => {
      if (!zoomed) return;
      const axis = view.signal("xAxis");
      const rows = await getJson(`/api/scalars?${query({ tag, axis, lo: zoomed[0], hi: zoomed[1] })}`);
      await replace(rows);
      card.dataset.zoomed = `${zoomed[0]},${zoomed[1]}`;
    };
    view.addSignalListener("zoom", (_: string, value: any) => {
      const extent = value && (value.xLive as number[] | undefined);
      zoomed = extent && extent.length === 2 ? extent : undefined;
      clearTimeout(timer);
      timer = setTimeout(() => void fetchRange(), 150);
    });
    // What is shown: the drawn points in the zoomed range, with the smoothing the slider has set.
    const shown = (): any[] => {
      const name = (compiled.data ?? [])
        .map((d: any) => d.name)
        .find((n: string) => {
          const rows = view.data(n);
          return rows.length && "smoothedLive" in rows[0];
        });
      const rows = name ? view.data(name) : [];
      return rows.filter((r: any) => !zoomed || (r.xLive >= zoomed[0] && r.xLive <= zoomed[1]));
    };
    // The notebook chart's download columns (scalars-download.ts): wall time in seconds, as TensorBoard's CSV.
    const fields = ["run", "tag", "step", "wall_time", "value", "smoothed"];
    const picked = (): any[] =>
      shown().map((r: any) => ({
        run: r.run,
        tag: r.tag,
        step: r.step,
        wall_time: r.wall / 1000,
        value: r.value,
        smoothed: r.smoothedLive,
      }));
    const bar = document.createElement("div");
    bar.className = "downloads";
    for (const [label, make] of [
      ["CSV", () => download(`${tag}.csv`, "text/csv", toCsv(picked(), fields))],
      ["JSON", () => download(`${tag}.json`, "application/json", JSON.stringify(picked()))],
    ] as const) {
      const button = document.createElement("button");
      button.textContent = `download ${label}`;
      button.addEventListener("click", make);
      bar.appendChild(button);
    }
    card.appendChild(bar);
    return async () => {
      if (zoomed) return fetchRange();
      const fresh = await getJson(`/api/view?${query({ kind: "scalars", tag })}`);
      await replace(fresh.rows);
    };
  }

  async function drawCard(kind: string, tag: string): Promise<void> {
    const card = document.createElement("section");
    card.className = "card";
    card.dataset.tag = tag;
    main.appendChild(card);
    const draw = async (): Promise<() => Promise<void>> => {
      const payload = await getJson(`/api/view?${query({ kind, tag })}`);
      if (payload.rows) return scalarCard(card, tag, payload);
      if (payload.graph) mountGraph(card, payload.graph.data, payload.graph.expanded, dagre, drawGraph);
      else if (payload.spec) {
        const host = document.createElement("div");
        card.appendChild(host);
        await new vega.View(vega.parse(payload.vega), {
          renderer: "svg",
          container: host,
          hover: true,
        }).runAsync();
      } else card.innerHTML = payload.html;
      return async () => {
        card.innerHTML = "";
        await draw();
      };
    };
    const refresh = await draw();
    card.dataset.drawn = "1";
    if (w.__firstChartAt === undefined) w.__firstChartAt = performance.now();
    cards.push({ tag, refresh });
  }

  async function show(kind: string): Promise<void> {
    current = kind;
    location.hash = kind;
    for (const button of Array.from(tabs.querySelectorAll("button")))
      button.classList.toggle("active", (button as HTMLElement).dataset.kind === kind);
    main.innerHTML = "";
    cards = [];
    main.dataset.kind = kind;
    for (const tag of catalog.kinds[kind]) await drawCard(kind, tag);
    main.dataset.ready = kind;
  }

  async function start(): Promise<void> {
    catalog = await getJson("/api/catalog");
    for (const kind of Object.keys(catalog.kinds)) {
      const button = document.createElement("button");
      button.textContent = kind;
      button.dataset.kind = kind;
      button.addEventListener("click", () => void show(kind));
      tabs.appendChild(button);
    }
    const first = Object.keys(catalog.kinds)[0];
    if (!first) {
      main.textContent = "No event files in this logdir yet.";
      return;
    }
    await show(location.hash.slice(1) in catalog.kinds ? location.hash.slice(1) : first);
    const events = new EventSource("/api/events");
    events.onmessage = async (message) => {
      status.textContent = `updated ${new Date().toLocaleTimeString()} (checks every ${options.reloadMs / 1000} s)`;
      const fresh = await getJson("/api/catalog");
      const sameTags = JSON.stringify(fresh.kinds[current]) === JSON.stringify(catalog.kinds[current]);
      catalog = fresh;
      if (!sameTags) return show(current);
      for (const card of cards) await card.refresh();
      main.dataset.version = JSON.parse(message.data).version;
    };
  }

  start().catch((error) => {
    status.textContent = String(error);
  });
}
