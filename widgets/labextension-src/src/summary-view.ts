// SummaryView view: the summary table; a container row's ▸/▾ opens or closes its nested layers. All rows
// are in the state, so expanding is local.
import type { SummaryViewRow as Row } from "../../src/shared/protocol";
import { el, modelDefaults, TensorscopeModel, TensorscopeView } from "./base";

export class SummaryViewModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("SummaryView", "SummaryView"),
      rows: [],
      expanded_depth: 1,
      totals: "",
    };
  }
}

export class SummaryViewView extends TensorscopeView {
  /** Row indices of open containers (rows above expanded_depth start open). */
  private open = new Set<number>();

  protected renderBody(): void {
    const rows = this.model.get("rows") as Row[];
    const depth = Number(this.model.get("expanded_depth"));
    rows.forEach((row, i) => row.depth < depth && this.open.add(i));
    this.draw();
  }

  private visible(rows: Row[]): number[] {
    const shown: number[] = [];
    let hiddenBelow = Infinity; // rows deeper than this are inside a closed container
    rows.forEach((row, i) => {
      if (row.depth > hiddenBelow) return;
      hiddenBelow = Infinity;
      shown.push(i);
      if (!this.open.has(i)) hiddenBelow = row.depth;
    });
    return shown;
  }

  private draw(): void {
    const rows = this.model.get("rows") as Row[];
    const table = el("table", "tensorscope-summary");
    table.style.borderCollapse = "collapse";
    const head = el("tr");
    for (const name of ["Layer (type)", "Output shape", "Param #"]) head.append(el("th", "", name));
    table.append(head);
    for (const i of this.visible(rows)) table.append(this.rowElement(rows, i));
    const totals = el("div", "tensorscope-summary-totals", String(this.model.get("totals")));
    this.body.replaceChildren(table, totals);
  }

  private rowElement(rows: Row[], i: number): HTMLTableRowElement {
    const row = rows[i];
    const hasChildren = rows[i + 1] !== undefined && rows[i + 1].depth > row.depth;
    const tr = el("tr", "tensorscope-summary-row");
    tr.dataset.depth = String(row.depth);
    const label = el("td");
    label.style.paddingLeft = `${row.depth * 16 + 4}px`;
    if (hasChildren) {
      const toggle = el("button", "tensorscope-toggle", this.open.has(i) ? "▾" : "▸");
      toggle.addEventListener("click", () => {
        if (this.open.has(i)) this.open.delete(i);
        else this.open.add(i);
        this.draw();
      });
      label.append(toggle, " ");
    }
    label.append(el("span", "tensorscope-layer-name", row.name), el("span", "", ` (${row.type})`));
    tr.append(label, el("td", "", row.output), el("td", "", row.params));
    return tr;
  }
}
