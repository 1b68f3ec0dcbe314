// Joins class names, skipping the ones a condition turned off, so components can merge the caller's
// className with their own.

export function classNames(...names: readonly (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
