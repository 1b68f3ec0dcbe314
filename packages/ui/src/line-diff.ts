// A line diff of two texts (Myers' shortest edit script) and its side-by-side layout: unchanged
// lines face each other, and within a change the removed lines face the added ones. Pure functions
// for DiffView and its tests.

export type DiffKind = "unchanged" | "removed" | "added";

export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** 1-based line number in the text before; absent for added lines. */
  beforeNumber?: number;
  /** 1-based line number in the text after; absent for removed lines. */
  afterNumber?: number;
}

export interface DiffCell {
  kind: DiffKind;
  number: number;
  text: string;
}

/** One row of a side-by-side diff; a side is null where the other side has a line the first lacks. */
export interface SideBySideRow {
  before: DiffCell | null;
  after: DiffCell | null;
}

/**
 * Above this many trace cells (32 MB of Int32), two very different texts are shown as "everything
 * removed, everything added" rather than searched for their shortest edit script.
 */
const TRACE_BUDGET = 8_000_000;

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  // A final newline ends the last line rather than starting an empty one.
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The lines of `before` and `after` as unchanged, removed and added, in reading order. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Lines as numbers, so the search compares integers.
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const x = a.map(idOf);
  const y = b.map(idOf);
  let prefix = 0;
  while (prefix < x.length && prefix < y.length && x[prefix] === y[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < x.length - prefix &&
    suffix < y.length - prefix &&
    x[x.length - 1 - suffix] === y[y.length - 1 - suffix]
  )
    suffix += 1;
  const middle = shortestEditScript(x.slice(prefix, x.length - suffix), y.slice(prefix, y.length - suffix));
  const lines: DiffLine[] = [];
  let beforeIndex = 0;
  let afterIndex = 0;
  const push = (kind: DiffKind) => {
    if (kind === "added") {
      lines.push({ kind, text: b[afterIndex]!, afterNumber: afterIndex + 1 });
      afterIndex += 1;
    } else if (kind === "removed") {
      lines.push({ kind, text: a[beforeIndex]!, beforeNumber: beforeIndex + 1 });
      beforeIndex += 1;
    } else {
      lines.push({ kind, text: b[afterIndex]!, beforeNumber: beforeIndex + 1, afterNumber: afterIndex + 1 });
      beforeIndex += 1;
      afterIndex += 1;
    }
  };
  for (let index = 0; index < prefix; index++) push("unchanged");
  for (const kind of middle) push(kind);
  for (let index = 0; index < suffix; index++) push("unchanged");
  return lines;
}

/** Myers' O((N+M)D) search; the edit script in order. */
function shortestEditScript(a: readonly number[], b: readonly number[]): DiffKind[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return Array<DiffKind>(m).fill("added");
  if (m === 0) return Array<DiffKind>(n).fill("removed");
  const max = n + m;
  const offset = max + 1;
  const width = 2 * max + 3;
  let v = new Int32Array(width);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * width > TRACE_BUDGET)
      return [...Array<DiffKind>(n).fill("removed"), ...Array<DiffKind>(m).fill("added")];
    trace.push(v);
    v = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, n, m);
    }
  }
  throw new Error("unreachable: an edit script of at most N+M steps always exists");
}

function backtrack(trace: readonly Int32Array[], offset: number, n: number, m: number): DiffKind[] {
  const script: DiffKind[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const previousX = v[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      script.push("unchanged");
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (x === previousX) {
        script.push("added");
        y -= 1;
      } else {
        script.push("removed");
        x -= 1;
      }
    }
  }
  return script.reverse();
}

/** The diff in two columns: each change's removed lines beside its added lines, in order. */
export function sideBySide(lines: readonly DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let removed: DiffCell[] = [];
  let added: DiffCell[] = [];
  const flush = () => {
    for (let index = 0; index < Math.max(removed.length, added.length); index++)
      rows.push({ before: removed[index] ?? null, after: added[index] ?? null });
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.kind === "removed")
      removed.push({ kind: "removed", number: line.beforeNumber!, text: line.text });
    else if (line.kind === "added") added.push({ kind: "added", number: line.afterNumber!, text: line.text });
    else {
      flush();
      rows.push({
        before: { kind: "unchanged", number: line.beforeNumber!, text: line.text },
        after: { kind: "unchanged", number: line.afterNumber!, text: line.text },
      });
    }
  }
  flush();
  return rows;
}

export function summariseDiff(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === "added") added += 1;
    else if (line.kind === "removed") removed += 1;
  }
  return { added, removed };
}
