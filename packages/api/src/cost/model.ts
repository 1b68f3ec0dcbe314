// The cost model, pure: a month of measured usage priced as Streambed (object storage, requests,
// stateless brokers, clients crossing zones) and as a shared-nothing Kafka with replicated local disks,
// line by line with the assumptions spelled out, and what replaying N days of data costs.
import type { Assumptions, Prices } from "./price-sheets.js";
import { DAY_MS, GIB, HOURS_PER_MONTH, MONTH_MS, type MonthlyUsage } from "./usage.js";

export type CostLineKey =
  | "storage"
  | "put-requests"
  | "get-requests"
  | "other-requests"
  | "compute"
  | "client-cross-az"
  | "replication-cross-az";

/** Display order of the side-by-side comparison. */
export const COST_LINE_KEYS: readonly CostLineKey[] = [
  "storage",
  "put-requests",
  "get-requests",
  "other-requests",
  "compute",
  "client-cross-az",
  "replication-cross-az",
];

export interface CostLine {
  key: CostLineKey;
  label: string;
  /** Cost per month in the sheet's currency. */
  monthly: number;
  /** How the figure was reached, e.g. "120 GB-month × $0.023". */
  basis: string;
}

export interface CostBreakdown {
  lines: CostLine[];
  totalMonthly: number;
}

export type RequestPriceClass = "put" | "get" | "list" | "delete";

const REQUEST_CLASSES: Record<string, RequestPriceClass> = {
  put: "put",
  create_multipart: "put",
  upload_part: "put",
  complete_multipart: "put",
  get: "get",
  head: "get",
  list: "list",
  delete: "delete",
  abort_multipart: "delete",
};

/** How clouds bill an operation: writes and LIST at the PUT rate, deletes free; other reads at the GET rate. */
export function requestPriceClass(operation: string): RequestPriceClass {
  return REQUEST_CLASSES[operation.toLowerCase()] ?? "get";
}

function pricePer1000(prices: Prices, priceClass: RequestPriceClass): number {
  if (priceClass === "get") return prices.getRequestsPer1000;
  if (priceClass === "delete") return prices.deleteRequestsPer1000;
  return prices.putRequestsPer1000;
}

/** The share of client traffic that crosses zones: as set, or (zones − 1) ÷ zones for clients not zone-aware. */
export function clientCrossAzShare(assumptions: Assumptions): number {
  if (assumptions.availabilityZones <= 1) return 0;
  return (
    assumptions.clientCrossAzShare ?? (assumptions.availabilityZones - 1) / assumptions.availabilityZones
  );
}

/** Followers in another zone than their leader: rack-aware placement spreads replicas over the zones. */
export function crossAzFollowers(assumptions: Assumptions): number {
  return Math.max(0, Math.min(assumptions.kafkaReplicationFactor - 1, assumptions.availabilityZones - 1));
}

const amountFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A price or amount as "$0.023" / "€1,234"; symbols for USD, EUR and GBP, the code otherwise. */
export function formatMoney(amount: number, currency: string): string {
  const symbol = ({ USD: "$", EUR: "€", GBP: "£" } as Record<string, string>)[currency];
  const text =
    Math.abs(amount) >= 100
      ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(amount)
      : amountFormat.format(amount);
  return symbol ? `${symbol}${text}` : `${text} ${currency}`;
}

/** Bytes in GB of 2^30, as clouds bill them: "1.5 GB". */
export function formatGb(bytes: number): string {
  return `${amountFormat.format(bytes / GIB)} GB`;
}

function line(key: CostLineKey, label: string, monthly: number, basis: string): CostLine {
  return { key, label, monthly, basis };
}

function breakdown(lines: CostLine[]): CostBreakdown {
  return { lines, totalMonthly: lines.reduce((sum, entry) => sum + entry.monthly, 0) };
}

function clientCrossAzLine(usage: MonthlyUsage, prices: Prices, assumptions: Assumptions, currency: string) {
  const share = clientCrossAzShare(assumptions);
  const bytes = (usage.bytesIn + usage.bytesOut) * share;
  return line(
    "client-cross-az",
    "Clients' traffic crossing zones",
    (bytes / GIB) * prices.crossAzPerGb,
    `${formatGb(usage.bytesIn + usage.bytesOut)} produced and fetched × ${percent(share)} crossing × ${formatMoney(prices.crossAzPerGb, currency)}/GB`,
  );
}

/** Streambed: data in object storage, requests by price class, broker-hours, clients crossing zones. */
export function streambedCost(
  usage: MonthlyUsage,
  prices: Prices,
  assumptions: Assumptions,
  currency = "USD",
): CostBreakdown {
  const requests = { put: 0, get: 0, list: 0, delete: 0 } satisfies Record<RequestPriceClass, number>;
  for (const [operation, count] of Object.entries(usage.requestsByOperation))
    requests[requestPriceClass(operation)] += count;
  const requestCost = (priceClass: RequestPriceClass) =>
    (requests[priceClass] / 1000) * pricePer1000(prices, priceClass);
  const requestBasis = (priceClass: RequestPriceClass) =>
    `${countFormat.format(requests[priceClass])} × ${formatMoney(pricePer1000(prices, priceClass), currency)}/1000`;
  const gbMonths = usage.storedBytes / GIB;
  return breakdown([
    line(
      "storage",
      "Object storage",
      gbMonths * prices.objectStorageGbMonth,
      `${amountFormat.format(gbMonths)} GB-month × ${formatMoney(prices.objectStorageGbMonth, currency)}`,
    ),
    line("put-requests", "PUT requests (uploads, compaction)", requestCost("put"), requestBasis("put")),
    line("get-requests", "GET requests (catch-up reads)", requestCost("get"), requestBasis("get")),
    line(
      "other-requests",
      "LIST and DELETE requests",
      requestCost("list") + requestCost("delete"),
      `LIST ${requestBasis("list")}; DELETE ${requestBasis("delete")}`,
    ),
    line(
      "compute",
      `Brokers (${prices.brokerInstanceType})`,
      usage.brokerHours * prices.brokerInstanceHourly,
      `${amountFormat.format(usage.brokerHours)} broker-hours × ${formatMoney(prices.brokerInstanceHourly, currency)}/h`,
    ),
    clientCrossAzLine(usage, prices, assumptions, currency),
    // No replication traffic: durability comes from object storage, which replicates across zones itself.
    line("replication-cross-az", "Replication between zones", 0, "none: object storage keeps the copies"),
  ]);
}

export interface KafkaSizing {
  /** The data one copy of the logs holds. */
  logBytes: number;
  /** Provisioned disk over all brokers: every replica plus the free share. */
  diskBytes: number;
  brokers: number;
}

/** How big a shared-nothing Kafka for this usage is: its disks and its broker count. */
export function kafkaSizing(usage: MonthlyUsage, assumptions: Assumptions): KafkaSizing {
  const logBytes =
    assumptions.kafkaRetentionHours === null
      ? usage.storedBytes
      : (usage.bytesIn / HOURS_PER_MONTH) * assumptions.kafkaRetentionHours;
  const diskBytes = (logBytes * assumptions.kafkaReplicationFactor) / (1 - assumptions.kafkaFreeDiskShare);
  const replicationFactor = assumptions.kafkaReplicationFactor;
  const byRule = {
    match: Math.ceil(usage.averageBrokers - 1e-9),
    fixed: assumptions.kafkaBrokerCount,
    disk: Math.ceil(diskBytes / GIB / assumptions.kafkaMaxDiskGbPerBroker),
  }[assumptions.kafkaBrokerRule];
  return { logBytes, diskBytes, brokers: Math.max(replicationFactor, byRule) };
}

/** Kafka with replicated local disks: disks, brokers, followers fetching across zones, clients crossing. */
export function kafkaCost(
  usage: MonthlyUsage,
  prices: Prices,
  assumptions: Assumptions,
  currency = "USD",
): CostBreakdown & { sizing: KafkaSizing } {
  const sizing = kafkaSizing(usage, assumptions);
  const followers = crossAzFollowers(assumptions);
  const diskGb = sizing.diskBytes / GIB;
  const money = (amount: number) => formatMoney(amount, currency);
  return {
    sizing,
    ...breakdown([
      line(
        "storage",
        `Local disks (${prices.kafkaDiskType})`,
        diskGb * prices.kafkaDiskGbMonth,
        `${formatGb(sizing.logBytes)} × ${assumptions.kafkaReplicationFactor} replicas ÷ ${percent(1 - assumptions.kafkaFreeDiskShare)} used = ${amountFormat.format(diskGb)} GB-month × ${money(prices.kafkaDiskGbMonth)}`,
      ),
      line("put-requests", "PUT requests", 0, "none: no object storage"),
      line("get-requests", "GET requests", 0, "none: no object storage"),
      line("other-requests", "LIST and DELETE requests", 0, "none: no object storage"),
      line(
        "compute",
        `Brokers (${prices.kafkaInstanceType})`,
        sizing.brokers * HOURS_PER_MONTH * prices.kafkaInstanceHourly,
        `${sizing.brokers} brokers × ${HOURS_PER_MONTH} h × ${money(prices.kafkaInstanceHourly)}/h`,
      ),
      clientCrossAzLine(usage, prices, assumptions, currency),
      line(
        "replication-cross-az",
        "Replication between zones",
        ((usage.bytesIn * followers) / GIB) * prices.crossAzPerGb,
        `${formatGb(usage.bytesIn)} produced × ${followers} followers in other zones × ${money(prices.crossAzPerGb)}/GB`,
      ),
    ]),
  };
}

export interface ComparisonRow {
  key: CostLineKey;
  streambed: CostLine;
  kafka: CostLine;
  /** Kafka's monthly cost minus Streambed's: what Streambed saves on this line (negative: costs more). */
  difference: number;
}

/** Both breakdowns line by line, in display order. */
export function compareCosts(streambed: CostBreakdown, kafka: CostBreakdown): ComparisonRow[] {
  return COST_LINE_KEYS.flatMap((key) => {
    const ours = streambed.lines.find((entry) => entry.key === key);
    const theirs = kafka.lines.find((entry) => entry.key === key);
    return ours && theirs
      ? [{ key, streambed: ours, kafka: theirs, difference: theirs.monthly - ours.monthly }]
      : [];
  });
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/** What the comparison takes for granted, one sentence each, in the order people ask about them. */
export function describeAssumptions(input: {
  prices: Prices;
  assumptions: Assumptions;
  currency: string;
  usage: MonthlyUsage;
  sizing: KafkaSizing;
}): string[] {
  const { prices, assumptions, currency, usage, sizing } = input;
  const zones = assumptions.availabilityZones;
  const share = clientCrossAzShare(assumptions);
  const ruleText = {
    match: `as many as Streambed runs (${amountFormat.format(usage.averageBrokers)} on average)`,
    fixed: `${assumptions.kafkaBrokerCount} as set`,
    disk: `enough to hold the disks at ${countFormat.format(assumptions.kafkaMaxDiskGbPerBroker)} GB each`,
  }[assumptions.kafkaBrokerRule];
  return [
    `Usage is measured over the chosen window and projected to a month of ${HOURS_PER_MONTH} hours; storage is the average the topics held (objects waiting for deletion after compaction or retention are not counted).`,
    `Prices: ${prices.source || "as entered"}. 1 GB is 2^30 bytes, as clouds bill it.`,
    `${zones} availability zone${zones === 1 ? "" : "s"}; ${percent(share)} of client traffic crosses zones${
      assumptions.clientCrossAzShare === null && zones > 1
        ? ` (clients are not zone-aware: (${zones} − 1) ÷ ${zones})`
        : ""
    }, at ${formatMoney(prices.crossAzPerGb, currency)}/GB.`,
    "Streambed keeps no replicas of its own: object storage is durable across zones, and traffic between brokers and the bucket in one region is free.",
    "Streambed's file WAL volume is not priced (a small disk per broker).",
    `Kafka: replication factor ${assumptions.kafkaReplicationFactor}, replicas spread over the zones (${crossAzFollowers(assumptions)} follower${crossAzFollowers(assumptions) === 1 ? "" : "s"} of each partition in another zone), consumers fetch from leaders.`,
    `Kafka's disks hold ${
      assumptions.kafkaRetentionHours === null
        ? "what Streambed stores now"
        : `${amountFormat.format(assumptions.kafkaRetentionHours)} h of the measured ingest`
    } (${formatGb(sizing.logBytes)}) on every replica with ${percent(assumptions.kafkaFreeDiskShare)} kept free, on ${prices.kafkaDiskType}.`,
    `Kafka brokers: ${sizing.brokers} — ${ruleText}, and never fewer than the replication factor.`,
    "Neither side includes the PostgreSQL metadata database, load balancers, support or reserved-instance discounts.",
  ];
}

export interface CatchUpThroughput {
  bytesPerSecond: number;
  source: "configured" | "measured" | "default";
  description: string;
}

/** A broker's catch-up reads when nothing is configured or measured: ranged GETs from one region. */
export const DEFAULT_CATCH_UP_BYTES_PER_SECOND_PER_BROKER = 100 * 1024 * 1024;

/**
 * How fast a replay reads: the catch-up limits the live brokers report (each broker has its own; one
 * without a limit counts at the default), else the fastest catch-up reads measured, else the default
 * per broker.
 */
export function catchUpThroughput(input: {
  /** Each live broker's --catch-up-bytes-per-second; 0 for none. Empty when the brokers did not say. */
  brokerLimits: readonly number[];
  peakCatchUpBytesPerSecond: number | null;
  averageBrokers: number;
}): CatchUpThroughput {
  const mebibytes = (bytesPerSecond: number) => `${amountFormat.format(bytesPerSecond / 1024 ** 2)} MiB/s`;
  const limited = input.brokerLimits.filter((limit) => limit > 0);
  if (limited.length > 0) {
    const unlimited = input.brokerLimits.length - limited.length;
    return {
      bytesPerSecond:
        limited.reduce((sum, limit) => sum + limit, 0) +
        unlimited * DEFAULT_CATCH_UP_BYTES_PER_SECOND_PER_BROKER,
      source: "configured",
      description: `the brokers' catch-up limits (${limited.map(mebibytes).join(" + ")}${
        unlimited > 0
          ? ` + ${unlimited} unlimited at ${mebibytes(DEFAULT_CATCH_UP_BYTES_PER_SECOND_PER_BROKER)}`
          : ""
      })`,
    };
  }
  const measured = input.peakCatchUpBytesPerSecond;
  if (measured !== null && measured > 0)
    return {
      bytesPerSecond: measured,
      source: "measured",
      description: `the fastest catch-up reads measured, ${mebibytes(measured)} over the cluster (a replay may go faster)`,
    };
  const brokers = Math.max(1, input.brokerLimits.length, Math.round(input.averageBrokers));
  return {
    bytesPerSecond: DEFAULT_CATCH_UP_BYTES_PER_SECOND_PER_BROKER * brokers,
    source: "default",
    description: `no catch-up limit set and no catch-up reads measured: assumed ${mebibytes(DEFAULT_CATCH_UP_BYTES_PER_SECOND_PER_BROKER)} per broker × ${brokers}`,
  };
}

export interface BackfillEstimate {
  days: number;
  /** Bytes produced per day, measured; null when nothing was measured. */
  bytesPerDay: number | null;
  bytes: number;
  getRequests: number;
  cost: number;
  seconds: number;
  throughput: CatchUpThroughput;
  assumptions: string[];
}

/**
 * A replay of `days` of data: the bytes produced in that many days, read as ranged GETs of one
 * block each (read-ahead fetches the next blocks sooner, not fewer of them), at the catch-up rate.
 */
export function backfillEstimate(input: {
  days: number;
  bytesPerDay: number | null;
  blockBytes: number;
  prices: Prices;
  currency: string;
  throughput: CatchUpThroughput;
}): BackfillEstimate {
  const bytes = (input.bytesPerDay ?? 0) * input.days;
  const getRequests = Math.ceil(bytes / input.blockBytes);
  return {
    days: input.days,
    bytesPerDay: input.bytesPerDay,
    bytes,
    getRequests,
    cost: (getRequests / 1000) * input.prices.getRequestsPer1000,
    seconds: input.throughput.bytesPerSecond > 0 ? bytes / input.throughput.bytesPerSecond : 0,
    throughput: input.throughput,
    assumptions: [
      `Bytes per day are the measured ingest (${input.bytesPerDay === null ? "not measured yet" : `${formatGb(input.bytesPerDay)} a day`}); the replay reads every one of them from object storage.`,
      `One ranged GET per stored block of ${amountFormat.format(input.blockBytes / 1024 ** 2)} MiB (the brokers' --block-bytes, as compaction leaves blocks), at ${formatMoney(input.prices.getRequestsPer1000, input.currency)}/1000.`,
      `Time at ${input.throughput.description}; consumers are assumed to keep up.`,
      "Reading from a bucket in the same region costs no transfer.",
    ],
  };
}

/** Bytes produced per day at the measured monthly rate; null when nothing was measured. */
export function bytesPerDay(usage: MonthlyUsage, measured: boolean): number | null {
  return measured ? (usage.bytesIn / MONTH_MS) * DAY_MS : null;
}
