// An audit entry's change in a few lines: for each field that differs, "field: old → new"; for a
// creation just "field: value". The full before and after JSON stay one click away.

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const ABSENT = "—";
const MAX_VALUE_LENGTH = 80;

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: Json | undefined): string {
  if (value === undefined) return ABSENT;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** The lines that describe going from `before` to `after` (either may be null: created, removed). */
export function describeChange(before: unknown, after: unknown): string[] {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) return [];
  if ((hasBefore && !isRecord(before)) || (hasAfter && !isRecord(after)))
    return [`${show(before as Json | undefined)} → ${show(after as Json | undefined)}`];
  const previous = hasBefore ? (before as Record<string, Json>) : {};
  const next = hasAfter ? (after as Record<string, Json>) : {};
  const keys = [...new Set([...Object.keys(next), ...Object.keys(previous)])];
  const lines: string[] = [];
  for (const key of keys) {
    const old = previous[key];
    const now = next[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    // A creation has nothing to compare with: its values alone say what was set.
    lines.push(hasBefore ? `${key}: ${show(old)} → ${show(now)}` : `${key}: ${show(now)}`);
  }
  return lines;
}

export function ChangeSummary({ before, after }: { before: unknown; after: unknown }) {
  const lines = describeChange(before, after);
  if (before == null && after == null) return ABSENT;
  return (
    <>
      <pre className="payload">{lines.length === 0 ? "no change" : lines.join("\n")}</pre>
      <details>
        <summary>JSON</summary>
        <pre className="payload">
          {JSON.stringify({ before: before ?? null, after: after ?? null }, null, 2)}
        </pre>
      </details>
    </>
  );
}
