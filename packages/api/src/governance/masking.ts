// Data masking for the message browser: rules name topics (a literal name, or a prefix ending in
// "*") and either a JSON field path ("card.number", "$.customer.email", "items[*].iban") or a
// regular expression; a user whose role is not exempt sees "****" in place of what they match.
// Pure functions over the formatted payloads the partition reader returns.

export const MASK = "****";

export interface MaskingRule {
  topicPattern: string;
  fieldPath: string | null;
  regex: string | null;
  exemptRoles: readonly string[];
}

interface Payload {
  encoding: "json" | "text" | "binary";
  text: string;
}

export function ruleAppliesTo(rule: MaskingRule, topic: string, role: string): boolean {
  if (rule.exemptRoles.includes(role)) return false;
  return rule.topicPattern.endsWith("*")
    ? topic.startsWith(rule.topicPattern.slice(0, -1))
    : topic === rule.topicPattern;
}

/** "$.a.b[*].c" → ["a", "b", "*", "c"]; throws on a path it cannot read. */
export function parseFieldPath(path: string): string[] {
  const trimmed = path.trim().replace(/^\$\.?/, "");
  if (!trimmed) throw new Error("an empty field path");
  const parts: string[] = [];
  for (const segment of trimmed.split(".")) {
    const match = /^([^[\]]+)((?:\[(?:\*|\d+)\])*)$/.exec(segment);
    if (!match?.[1]) throw new Error(`cannot read the field path segment "${segment}"`);
    parts.push(match[1]);
    for (const index of match[2]?.match(/\[(\*|\d+)\]/g) ?? []) parts.push(index.slice(1, -1));
  }
  return parts;
}

function maskAt(value: unknown, path: readonly string[]): boolean {
  if (path.length === 0 || value === null || typeof value !== "object") return false;
  const [head, ...rest] = path as [string, ...string[]];
  const container = value as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(container) : [head];
  let masked = false;
  for (const key of keys) {
    if (!(key in container)) continue;
    if (rest.length === 0) {
      container[key] = MASK;
      masked = true;
    } else if (maskAt(container[key], rest)) masked = true;
  }
  return masked;
}

/** The payload with the rules applied, and whether anything was masked. */
export function maskPayload<T extends Payload>(
  payload: T,
  rules: readonly MaskingRule[],
): { payload: T; masked: boolean } {
  if (payload.encoding === "binary" || rules.length === 0) return { payload, masked: false };
  let text = payload.text;
  let masked = false;
  const paths = rules.flatMap((rule) => (rule.fieldPath ? [parseFieldPath(rule.fieldPath)] : []));
  if (payload.encoding === "json" && paths.length > 0) {
    try {
      const document = JSON.parse(text) as unknown;
      for (const path of paths) if (maskAt(document, path)) masked = true;
      if (masked) text = JSON.stringify(document, null, 2);
    } catch {
      // Not parseable after all: the regular-expression rules still apply to the text.
    }
  }
  for (const rule of rules) {
    if (!rule.regex) continue;
    const replaced = text.replace(new RegExp(rule.regex, "g"), MASK);
    if (replaced !== text) {
      masked = true;
      text = replaced;
    }
  }
  return { payload: { ...payload, text }, masked };
}
