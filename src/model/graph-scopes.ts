// A GraphModel's name scopes as a tree, the way a LayersModel nests layers: "model/block1/conv/Conv2D" lies in
// scope "model/block1/conv". A scope holding only ops is one row (a layer: Conv2D + BiasAdd + Relu); chains of
// single-child scopes ("StatefulPartitionedCall/sequential/...") collapse into one; the wrapper scope that holds
// the whole model is unwrapped, so the top level lists the model's own blocks.
import { consumersOf, type OpNode } from "./graph-topology";

export interface ScopeRow {
  /** What the row shows: the scope's name relative to its parent (collapsed chains keep their "/"). */
  label: string;
  /** The full scope name (a group's scope; a lone op's own name). */
  scope: string;
  depth: number;
  /** Sub-scopes and groups, in execution order; empty for a group (a leaf row). */
  children: ScopeRow[];
  /** Every op in the row's subtree, in execution order. */
  ops: OpNode[];
  /** The node whose output leaves the scope (its last such node): what the scope's name addresses. */
  output: OpNode;
}

interface Trie {
  segment: string;
  scope: string;
  kids: Map<string, Trie>;
  op?: OpNode;
  first: number;
}

function buildTrie(order: OpNode[]): Trie {
  const root: Trie = { segment: "", scope: "", kids: new Map(), first: 0 };
  order.forEach((node, index) => {
    let at = root;
    for (const segment of node.name.split("/")) {
      let next = at.kids.get(segment);
      if (!next) {
        const scope = at.scope ? `${at.scope}/${segment}` : segment;
        next = { segment, scope, kids: new Map(), first: index };
        at.kids.set(segment, next);
      }
      at = next;
    }
    at.op = node;
  });
  return root;
}

function opsOf(trie: Trie): OpNode[] {
  return [...(trie.op ? [trie.op] : []), ...[...trie.kids.values()].flatMap(opsOf)];
}

/** The node whose output leaves the set of ops last (or the last one): what a scope's name addresses. */
export function outputOf(
  ops: OpNode[],
  position: Map<OpNode, number>,
  consumers: Map<OpNode, OpNode[]>,
): OpNode {
  const inside = new Set(ops);
  const leaving = ops.filter(
    (n) => (consumers.get(n) ?? []).some((c) => !inside.has(c)) || !consumers.has(n),
  );
  const sorted = (leaving.length > 0 ? leaving : ops).sort((a, b) => position.get(a)! - position.get(b)!);
  return sorted[sorted.length - 1];
}

export function scopeTree(order: OpNode[]): ScopeRow[] {
  const position = new Map(order.map((n, i) => [n, i]));
  const consumers = consumersOf(order);
  const sortOps = (ops: OpNode[]) => ops.sort((a, b) => position.get(a)! - position.get(b)!);
  const convert = (trie: Trie, label: string, depth: number): ScopeRow => {
    const kids = [...trie.kids.values()].sort((a, b) => a.first - b.first);
    const ops = sortOps(opsOf(trie));
    const output = outputOf(ops, position, consumers);
    const isGroup = kids.every((k) => k.kids.size === 0);
    if (isGroup)
      return { label, scope: trie.op ? trie.op.name : trie.scope, depth, children: [], ops, output };
    if (kids.length === 1 && !trie.op) return convert(kids[0], `${label}/${kids[0].segment}`, depth);
    const own = trie.op
      ? [{ label, scope: trie.op.name, depth: depth + 1, children: [], ops: [trie.op], output: trie.op }]
      : [];
    const children = [...own, ...kids.map((k) => convert(k, k.segment, depth + 1))];
    return { label, scope: trie.scope, depth, children, ops, output };
  };
  const root = buildTrie(order);
  let top = [...root.kids.values()].sort((a, b) => a.first - b.first).map((k) => convert(k, k.segment, 1));
  // unwrap a wrapper scope: one scope holding most of the ops, beside a few lone ops (the converter's final
  // Identity or Softmax): its children become the top level, as a LayersModel's layers are
  for (;;) {
    const scopes = top.filter((r) => r.children.length > 0);
    const outside = top.filter((r) => r !== scopes[0]).reduce((n, r) => n + r.ops.length, 0);
    if (scopes.length !== 1 || outside >= scopes[0].ops.length) break;
    top = top.flatMap((r) => (r === scopes[0] ? r.children : [r]));
  }
  return relevel(top, 1);
}

function relevel(rows: ScopeRow[], depth: number): ScopeRow[] {
  return rows.map((r) => ({ ...r, depth, children: relevel(r.children, depth + 1) }));
}

/** Every row of the tree, depth-first (a scope before its children). */
export function flattenScopes(rows: ScopeRow[]): ScopeRow[] {
  return rows.flatMap((r) => [r, ...flattenScopes(r.children)]);
}
