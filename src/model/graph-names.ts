// Naming a GraphModel's nodes the way its users read them: the full name
// ("StatefulPartitionedCall/.../MobilenetV2/Conv_1/Relu6"), any suffix of it that is unique ("Conv_1/Relu6"), or a
// name scope ("MobilenetV2/expanded_conv_3", full or a unique suffix), which stands for the scope's output node.
import { consumersOf, nodeNameOf, type OpNode } from "./graph-topology";
import { outputOf, type ScopeRow } from "./graph-scopes";
import { nearestNames } from "./names";

function scopesOf(order: OpNode[]): Set<string> {
  const scopes = new Set<string>();
  for (const node of order) {
    const parts = node.name.split("/");
    for (let i = 1; i < parts.length; i++) scopes.add(parts.slice(0, i).join("/"));
  }
  return scopes;
}

function ambiguous(ref: string, names: string[]): Error {
  const shown = names.slice(0, 8).map((n) => `"${n}"`);
  return new Error(
    `node name "${ref}" is ambiguous in this GraphModel: it ends ${names.length} names; use a longer suffix: ` +
      `${shown.join(", ")}${names.length > 8 ? ", …" : ""}`,
  );
}

export function resolveGraphNode(
  order: OpNode[],
  rows: ScopeRow[],
  wanted: string,
  scopes = scopesOf(order),
): OpNode {
  const ref = nodeNameOf(wanted).replace(/\/+$/, "");
  const exact = order.find((n) => n.name === ref);
  if (exact) return exact;
  const scopeOutput = (scope: string) => {
    const position = new Map(order.map((n, i) => [n, i]));
    const ops = order.filter((n) => n.name.startsWith(`${scope}/`));
    return outputOf(ops, position, consumersOf(order));
  };
  if (scopes.has(ref)) return scopeOutput(ref);
  const byNode = order.filter((n) => n.name.endsWith(`/${ref}`));
  if (byNode.length === 1) return byNode[0];
  if (byNode.length > 1)
    throw ambiguous(
      ref,
      byNode.map((n) => n.name),
    );
  const byScope = [...scopes].filter((s) => s.endsWith(`/${ref}`));
  if (byScope.length === 1) return scopeOutput(byScope[0]);
  if (byScope.length > 1) throw ambiguous(ref, byScope);
  const candidates = [...new Set([...rows.map((r) => r.scope), ...order.map((n) => n.name)])];
  throw new Error(
    `no node or name scope "${wanted}" in this GraphModel; nearest names: ${nearestNames(ref, candidates).join(", ")}`,
  );
}

/**
 * For each name, its shortest suffix (whole "/" segments) that no other name ends with and that is no name
 * scope, so that it resolves to that node alone ("Conv_1/Relu6").
 */
export function shortestUniqueSuffixes(names: string[]): string[] {
  const counts = new Map<string, number>();
  const scopes = new Set<string>();
  for (const name of names) {
    const parts = name.split("/");
    for (let k = 1; k <= parts.length; k++) {
      const suffix = parts.slice(-k).join("/");
      counts.set(suffix, (counts.get(suffix) ?? 0) + 1);
      if (k < parts.length) scopes.add(parts.slice(0, k).join("/"));
    }
  }
  return names.map((name) => {
    const parts = name.split("/");
    for (let k = 1; k < parts.length; k++) {
      const suffix = parts.slice(-k).join("/");
      if (counts.get(suffix) === 1 && ![...scopes].some((s) => s === suffix || s.endsWith(`/${suffix}`)))
        return suffix;
    }
    return name;
  });
}

/** The shortest suffix of a scope (or node) name that resolves to the same node: how summary rows are named. */
export function shortScopeNames(order: OpNode[], rows: ScopeRow[]): Map<ScopeRow, string> {
  const scopes = scopesOf(order);
  const names = new Map<ScopeRow, string>();
  for (const row of rows) {
    const parts = row.scope.split("/");
    let name = row.scope;
    for (let k = 1; k < parts.length; k++) {
      const suffix = parts.slice(-k).join("/");
      try {
        if (resolveGraphNode(order, rows, suffix, scopes) === row.output) {
          name = suffix;
          break;
        }
      } catch {
        // ambiguous or unknown: try a longer suffix
      }
    }
    names.set(row, name);
  }
  return names;
}
