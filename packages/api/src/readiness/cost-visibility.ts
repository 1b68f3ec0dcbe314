// The "Cost visibility" item of the readiness scorecard: storage, object-store requests, compute and
// network must each be measured separately from the sampled metrics within the last hour. Green when
// all four are, amber when some are, red when none.
import { type MeasuredUsage, measureUsage } from "../cost/usage.js";
import type { EvidenceContext, EvidenceLine, ReadinessItem, ReadinessStatus } from "./evidence.js";

/** How recent the measurements must be. */
export const COST_EVIDENCE_WINDOW_MS = 3_600_000;

const numberFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });
const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Bytes in binary units, "0 B" to "1.5 TiB": the evidence is read by people, at any size. */
function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${numberFormat.format(scaled)} ${units[unit]}`;
}

function plural(count: number, word: string): string {
  return `${countFormat.format(count)} ${word}${count === 1 ? "" : "s"}`;
}

interface Dimension {
  label: string;
  measured: boolean;
  figure: string;
}

function dimensions(usage: MeasuredUsage): Dimension[] {
  const measured = (coverage: { status: string }) => coverage.status !== "not-measured";
  const { storage, requests, compute, network } = usage;
  const operations = requests.byOperation
    .filter((row) => row.count > 0)
    .map((row) => `${row.operation} ${countFormat.format(row.count)}`)
    .join(", ");
  return [
    {
      label: "Object storage held",
      measured: measured(storage.coverage),
      figure: `${bytes(storage.averageStoredBytes ?? 0)} on average over ${plural(storage.coverage.samples, "sample")}`,
    },
    {
      label: "Object-store requests",
      measured: measured(requests.coverage),
      figure: `${plural(requests.total, "request")}${operations ? ` (${operations})` : ""}`,
    },
    {
      label: "Broker compute",
      measured: measured(compute.coverage),
      figure: `${plural(compute.brokers, "broker")}, ${numberFormat.format(compute.brokerHours)} broker-hours`,
    },
    {
      label: "Network (client bytes in and out)",
      measured: measured(network.coverage),
      figure: `${bytes(network.bytesIn)} in, ${bytes(network.bytesOut)} out`,
    },
  ];
}

export async function costVisibilityEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  const usage = await measureUsage(context.db, context.cluster.id, {
    windowMs: COST_EVIDENCE_WINDOW_MS,
    now: context.now,
  });
  const measuredDimensions = dimensions(usage);
  const evidence: EvidenceLine[] = measuredDimensions.map((dimension) => ({
    label: dimension.label,
    value: dimension.measured ? dimension.figure : "not measured in the last hour",
    status: dimension.measured ? "green" : "red",
    href: "/cost",
  }));
  const measuredCount = measuredDimensions.filter((dimension) => dimension.measured).length;
  const complete = measuredCount === measuredDimensions.length;
  const status: ReadinessStatus = measuredCount === 0 ? "red" : complete ? "green" : "amber";
  const missing = measuredDimensions
    .filter((dimension) => !dimension.measured)
    .map((dimension) => dimension.label);
  return {
    key: "cost-visibility",
    title: "Cost visibility",
    status,
    summary: complete
      ? "Storage, object-store requests, compute and network were each measured in the last hour."
      : measuredCount === 0
        ? "Nothing was measured in the last hour: the console samples the brokers' /cluster/topics and /metrics."
        : `Measured in the last hour except: ${missing.join(", ").toLowerCase()}.`,
    evidence,
    fixHref: "/cost",
  };
}
