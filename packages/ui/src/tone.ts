// The status colours shared by badges, stats and meters; each maps to an sb-tone-* class in styles.css.

export type Tone = "neutral" | "ok" | "warning" | "danger" | "info";

export function toneClass(tone: Tone): string {
  return `sb-tone-${tone}`;
}
