// The audit log as CSV for export: one row per event, RFC 4180 quoting, and cells that a
// spreadsheet would run as a formula (=, +, -, @ first) defused with a leading apostrophe.
import type { PrismaClient } from "@streambed/db";

const HEADER = ["id", "at", "actor", "action", "cluster_id", "target", "before", "after"];

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Every matching event, oldest first, as CSV text. */
export async function auditCsv(
  db: PrismaClient,
  filter: { target?: string | null; action?: string | null } = {},
): Promise<string> {
  const events = await db.auditEvent.findMany({
    where: {
      ...(filter.target && { target: filter.target }),
      ...(filter.action && { action: { startsWith: filter.action } }),
    },
    orderBy: { id: "asc" },
    take: 100_000,
  });
  return (
    csvRow(HEADER) +
    events
      .map((event) =>
        csvRow([
          event.id.toString(),
          event.at.toISOString(),
          event.actor,
          event.action,
          event.clusterId,
          event.target,
          event.before,
          event.after,
        ]),
      )
      .join("")
  );
}
