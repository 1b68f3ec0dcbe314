// The cost model's inputs that measurement cannot see: a price sheet per cloud region (with list-price
// defaults for a handful of regions) and a cluster's deployment assumptions, each as a zod shape that
// validates what people type and what the database holds.
import { z } from "zod";

export const PROVIDERS = ["aws", "gcp", "azure"] as const;
export type Provider = (typeof PROVIDERS)[number];

const price = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} cannot be negative`)
    .max(1_000_000, `${what} is implausibly large`);

const instanceType = z.string().trim().min(1, "name the instance type").max(64, "at most 64 characters");

/** Prices in the sheet's currency. Object storage and disks per GB-month, where 1 GB is 2^30 bytes. */
export const pricesSchema = z.object({
  /** Object storage (S3 Standard, GCS Standard, Blob Hot) per GB-month. */
  objectStorageGbMonth: price("Object storage per GB-month"),
  /** PUT, COPY, POST and LIST requests (multipart parts included), per 1000. */
  putRequestsPer1000: price("PUT/POST/LIST per 1000"),
  /** GET, HEAD and every other read request, per 1000. */
  getRequestsPer1000: price("GET per 1000"),
  /** DELETE and multipart aborts, per 1000 (free on AWS, GCP and Azure). */
  deleteRequestsPer1000: price("DELETE per 1000"),
  brokerInstanceType: instanceType,
  brokerInstanceHourly: price("Broker instance per hour"),
  /** Data crossing availability zones, per GB, both directions together (AWS bills each side). */
  crossAzPerGb: price("Cross-AZ transfer per GB"),
  /** The local disks a shared-nothing Kafka keeps its logs on (e.g. gp3). */
  kafkaDiskType: z.string().trim().min(1, "name the disk type").max(64, "at most 64 characters"),
  kafkaDiskGbMonth: price("Kafka disk per GB-month"),
  kafkaInstanceType: instanceType,
  kafkaInstanceHourly: price("Kafka broker instance per hour"),
  /** Where the figures come from, shown beside them. */
  source: z.string().trim().max(300, "at most 300 characters"),
});
export type Prices = z.infer<typeof pricesSchema>;

export interface DefaultPriceSheet {
  provider: Provider;
  region: string;
  /** A place name for pickers, e.g. "N. Virginia". */
  location: string;
  currency: string;
  prices: Prices;
}

const LIST_PRICES = "list prices as published (on-demand, Linux, 2025); check before relying on them";

// The same instance type for both sides, so the comparison is about the architecture, not the hardware.
export const DEFAULT_PRICE_SHEETS: readonly DefaultPriceSheet[] = [
  {
    provider: "aws",
    region: "us-east-1",
    location: "N. Virginia",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.023,
      putRequestsPer1000: 0.005,
      getRequestsPer1000: 0.0004,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "m6i.xlarge",
      brokerInstanceHourly: 0.192,
      crossAzPerGb: 0.02,
      kafkaDiskType: "gp3",
      kafkaDiskGbMonth: 0.08,
      kafkaInstanceType: "m6i.xlarge",
      kafkaInstanceHourly: 0.192,
      source: `AWS ${LIST_PRICES}`,
    },
  },
  {
    provider: "aws",
    region: "eu-west-1",
    location: "Ireland",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.023,
      putRequestsPer1000: 0.005,
      getRequestsPer1000: 0.0004,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "m6i.xlarge",
      brokerInstanceHourly: 0.214,
      crossAzPerGb: 0.02,
      kafkaDiskType: "gp3",
      kafkaDiskGbMonth: 0.088,
      kafkaInstanceType: "m6i.xlarge",
      kafkaInstanceHourly: 0.214,
      source: `AWS ${LIST_PRICES}`,
    },
  },
  {
    provider: "aws",
    region: "eu-central-1",
    location: "Frankfurt",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.0245,
      putRequestsPer1000: 0.0054,
      getRequestsPer1000: 0.00043,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "m6i.xlarge",
      brokerInstanceHourly: 0.23,
      crossAzPerGb: 0.02,
      kafkaDiskType: "gp3",
      kafkaDiskGbMonth: 0.0952,
      kafkaInstanceType: "m6i.xlarge",
      kafkaInstanceHourly: 0.23,
      source: `AWS ${LIST_PRICES}`,
    },
  },
  {
    provider: "gcp",
    region: "us-central1",
    location: "Iowa",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.02,
      putRequestsPer1000: 0.005,
      getRequestsPer1000: 0.0004,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "n2-standard-4",
      brokerInstanceHourly: 0.1942,
      // Google bills inter-zone traffic once, on the sending side.
      crossAzPerGb: 0.01,
      kafkaDiskType: "pd-balanced",
      kafkaDiskGbMonth: 0.1,
      kafkaInstanceType: "n2-standard-4",
      kafkaInstanceHourly: 0.1942,
      source: `Google Cloud ${LIST_PRICES}`,
    },
  },
  {
    provider: "gcp",
    region: "europe-west1",
    location: "Belgium",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.02,
      putRequestsPer1000: 0.005,
      getRequestsPer1000: 0.0004,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "n2-standard-4",
      brokerInstanceHourly: 0.2137,
      crossAzPerGb: 0.01,
      kafkaDiskType: "pd-balanced",
      kafkaDiskGbMonth: 0.11,
      kafkaInstanceType: "n2-standard-4",
      kafkaInstanceHourly: 0.2137,
      source: `Google Cloud ${LIST_PRICES}`,
    },
  },
  {
    provider: "azure",
    region: "eastus",
    location: "East US",
    currency: "USD",
    prices: {
      objectStorageGbMonth: 0.0184,
      putRequestsPer1000: 0.0055,
      getRequestsPer1000: 0.00044,
      deleteRequestsPer1000: 0,
      brokerInstanceType: "D4s v5",
      brokerInstanceHourly: 0.192,
      // Azure does not bill traffic between availability zones of one region.
      crossAzPerGb: 0,
      kafkaDiskType: "Premium SSD v2",
      kafkaDiskGbMonth: 0.081,
      kafkaInstanceType: "D4s v5",
      kafkaInstanceHourly: 0.192,
      source: `Azure ${LIST_PRICES}`,
    },
  },
];

/** The sheet a cluster is priced with until someone picks another. */
export const DEFAULT_REGION = { provider: "aws", region: "us-east-1" } as const satisfies {
  provider: Provider;
  region: string;
};

export function defaultPriceSheet(provider: string, region: string): DefaultPriceSheet | undefined {
  return DEFAULT_PRICE_SHEETS.find((sheet) => sheet.provider === provider && sheet.region === region);
}

/**
 * A stored sheet's prices: what it holds, with the region's defaults (or the default region's) filling
 * fields it lacks; fully the defaults if what it holds no longer validates.
 */
export function storedPrices(provider: string, region: string, stored: unknown): Prices {
  const fallback = (defaultPriceSheet(provider, region) ?? requireDefault(DEFAULT_REGION)).prices;
  const merged = { ...fallback, ...(isRecord(stored) ? stored : {}) };
  const parsed = pricesSchema.safeParse(merged);
  return parsed.success ? parsed.data : fallback;
}

function requireDefault(key: { provider: string; region: string }): DefaultPriceSheet {
  const sheet = defaultPriceSheet(key.provider, key.region);
  if (!sheet) throw new Error(`no default price sheet for ${key.provider} ${key.region}`);
  return sheet;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const provider = z.enum(PROVIDERS, { error: "one of aws, gcp or azure" });
export const region = z
  .string()
  .trim()
  .min(1, "a region is required")
  .max(64, "at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9-]*$/, "a region name such as us-east-1");
export const currency = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, "a three-letter currency code such as USD");

export const KAFKA_BROKER_RULES = ["match", "fixed", "disk"] as const;
export type KafkaBrokerRule = (typeof KAFKA_BROKER_RULES)[number];

/** The deployment facts measurement cannot see; every field has a default. */
export const assumptionsSchema = z.object({
  availabilityZones: z
    .number()
    .int("a whole number of zones")
    .min(1, "at least one zone")
    .max(6, "at most six zones")
    .default(3),
  /** Share of client traffic that crosses zones; null: clients are not zone-aware, (zones − 1) ÷ zones. */
  clientCrossAzShare: z
    .number()
    .min(0, "a share from 0 to 1")
    .max(1, "a share from 0 to 1")
    .nullable()
    .default(null),
  kafkaReplicationFactor: z
    .number()
    .int("a whole number of replicas")
    .min(1, "at least 1")
    .max(7, "at most 7")
    .default(3),
  /** Share of each Kafka disk kept free, so that a burst or a slow consumer does not fill it. */
  kafkaFreeDiskShare: z
    .number()
    .min(0, "a share from 0 to 0.9")
    .max(0.9, "a share from 0 to 0.9")
    .default(0.4),
  /** match: as many brokers as Streambed runs; fixed: kafkaBrokerCount; disk: enough for the disks. */
  kafkaBrokerRule: z.enum(KAFKA_BROKER_RULES, { error: "match, fixed or disk" }).default("match"),
  kafkaBrokerCount: z
    .number()
    .int("a whole number of brokers")
    .min(1, "at least one broker")
    .max(10_000, "at most 10,000 brokers")
    .default(3),
  kafkaMaxDiskGbPerBroker: z
    .number()
    .min(1, "at least 1 GB")
    .max(1_000_000, "at most 1,000,000 GB")
    .default(4096),
  /** Hours of data Kafka's disks hold; null: what Streambed stores now. */
  kafkaRetentionHours: z
    .number()
    .min(1, "at least one hour")
    .max(24 * 365 * 10, "at most ten years")
    .nullable()
    .default(null),
  /** The brokers' --block-bytes: one ranged GET reads one block. */
  blockBytes: z
    .number()
    .int("whole bytes")
    .min(4096, "at least 4096 bytes")
    .max(1024 ** 3, "at most 1 GiB")
    .default(1024 * 1024),
});
export type Assumptions = z.infer<typeof assumptionsSchema>;

export const DEFAULT_ASSUMPTIONS: Assumptions = assumptionsSchema.parse({});

/** Stored assumptions over the defaults; the defaults alone if what is stored no longer validates. */
export function storedAssumptions(stored: unknown): Assumptions {
  const parsed = assumptionsSchema.safeParse({ ...DEFAULT_ASSUMPTIONS, ...(isRecord(stored) ? stored : {}) });
  return parsed.success ? parsed.data : DEFAULT_ASSUMPTIONS;
}
