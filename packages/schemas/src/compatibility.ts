// Compatibility levels of the registry, built from the formats' reader/writer check: BACKWARD means
// the new schema reads what the old one wrote, FORWARD the reverse, FULL both; the transitive
// levels check every earlier version, the others only the latest.
import type { ParsedSchema, SchemaFormat } from "./types.js";

export type CompatibilityLevel =
  | "NONE"
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE";

export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  "NONE",
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === "string" && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Why `candidate` may not follow `previous` (oldest first) under `level`; empty when it may. Each
 * message says which version and direction failed, then the format's reason.
 */
export function compatibilityErrors<Parsed extends ParsedSchema>(
  format: SchemaFormat<Parsed>,
  level: CompatibilityLevel,
  candidate: Parsed,
  previous: readonly { version: number; parsed: Parsed }[],
): string[] {
  if (level === "NONE" || previous.length === 0) return [];
  const transitive = level.endsWith("_TRANSITIVE");
  const against = transitive ? previous : previous.slice(-1);
  const backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
  const forward = level.startsWith("FORWARD") || level.startsWith("FULL");
  const errors: string[] = [];
  // Newest first: the most relevant failure leads.
  for (const { version, parsed } of [...against].reverse()) {
    if (backward) {
      for (const reason of format.readErrors(candidate, parsed)) {
        errors.push(`the new schema cannot read data written with version ${version}: ${reason}`);
      }
    }
    if (forward) {
      for (const reason of format.readErrors(parsed, candidate)) {
        errors.push(`version ${version} cannot read data written with the new schema: ${reason}`);
      }
    }
  }
  return errors;
}
