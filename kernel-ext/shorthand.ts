// tslab rewrites a name declared in an earlier cell to `exports.name`, finding such names through the type
// checker's symbol for each identifier. For a shorthand property (`{ model }`) that symbol is the property's,
// not the variable's, so the name stays bare: the cell fails with "model is not defined", or, as a
// destructuring target (`({ model } = other)`), silently assigns a global instead of the cell variable.
// Spelling each shorthand out (`{ model: model }`, the same object in JavaScript) lets tslab see the variable.
// Only the text tslab compiles changes: diagnostics are mapped back to the columns the user typed.
import { createRequire } from "node:module";
import type * as TS from "typescript";

// The parser of the TypeScript that tslab compiles with, so that both read the cell the same way.
const ts = createRequire(require.resolve("tslab/package.json"))("@tslab/typescript-for-tslab") as typeof TS;

/** Text inserted into one line of the cell: `length` characters at `column` (0-based, in the expanded line). */
interface Insertion {
  line: number;
  column: number;
  length: number;
}

export interface ExpandedCell {
  code: string;
  /** The 1-based column in the user's text of a position tslab reports at `line`:`column` (both 1-based). */
  userColumn(line: number, column: number): number;
}

/** Where each shorthand property's name starts, in source order. */
function shorthandNames(source: TS.SourceFile): TS.Identifier[] {
  const names: TS.Identifier[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) names.push(node.name);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

export function expandShorthands(code: string): ExpandedCell {
  const source = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = shorthandNames(source);
  if (names.length === 0) return { code, userColumn: (_line, column) => column };
  const pieces: string[] = [];
  const insertions: Insertion[] = [];
  let copied = 0;
  for (const name of names) {
    const start = name.getStart(source);
    const text = `${code.slice(start, name.end)}: `;
    const { line, character } = source.getLineAndCharacterOfPosition(start);
    const earlier = insertions.filter((insertion) => insertion.line === line + 1);
    const shift = earlier.reduce((sum, insertion) => sum + insertion.length, 0);
    insertions.push({ line: line + 1, column: character + shift, length: text.length });
    pieces.push(code.slice(copied, start), text);
    copied = start;
  }
  pieces.push(code.slice(copied));
  return { code: pieces.join(""), userColumn: (line, column) => userColumn(insertions, line, column) };
}

function userColumn(insertions: Insertion[], line: number, column: number): number {
  let user = column;
  for (const insertion of insertions) {
    if (insertion.line !== line || insertion.column >= column - 1) continue;
    // A position inside inserted text (the spelled-out name) is the shorthand name the user wrote.
    user -= Math.min(insertion.length, column - 1 - insertion.column);
  }
  return user;
}
