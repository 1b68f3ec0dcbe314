// The rows of a table editor (attendees, decisions): each with a key that survives removing the
// rows before it, so React keeps every input with its own row.
import { useCallback, useRef, useState } from "react";

export type DraftRow<T> = T & { key: number };

export function useDraftRows<T extends object>(blank: () => T, initial = 1) {
  const next = useRef(initial);
  const [rows, setRows] = useState<DraftRow<T>[]>(() =>
    Array.from({ length: initial }, (_, key) => ({ ...blank(), key })),
  );
  const add = useCallback(() => {
    const key = next.current++;
    setRows((current) => [...current, { ...blank(), key }]);
  }, [blank]);
  const remove = useCallback(
    (key: number) => setRows((current) => current.filter((row) => row.key !== key)),
    [],
  );
  const update = useCallback(
    (key: number, change: Partial<T>) =>
      setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row))),
    [],
  );
  return { rows, add, remove, update };
}
