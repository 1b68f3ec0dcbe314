// Kafka's ConfigDef semantics shared by topic and broker configs: the value types, how a raw string
// parses and prints, the range and choice validators with Kafka's messages, and how a config is described.

/** Kafka's ConfigDef types, with their DescribeConfigs ConfigType ids. */
export const ConfigType = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigTypeName = keyof typeof ConfigType;

/** The config resource types of DescribeConfigs, AlterConfigs and IncrementalAlterConfigs that Streambed knows. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** Where a described value comes from (DescribeConfigs ConfigSource). */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

/** A parsed value: integers (INT, SHORT, LONG) are bigints so that LONG keeps all 64 bits. */
export type ConfigValue = boolean | string | bigint | number | string[];
export type Validator = (name: string, raw: string, value: ConfigValue) => string | null;

/** Kafka's ConfigException wording, which clients show to users as is. */
export function invalid(name: string, raw: string, message: string): string {
  return `Invalid value ${raw} for configuration ${name}: ${message}`;
}

const INTEGER_BITS: Partial<Record<ConfigTypeName, bigint>> = { SHORT: 16n, INT: 32n, LONG: 64n };
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

/** Parses a raw value as Kafka's ConfigDef.parseType does: trimmed, case-insensitive booleans, Java ranges. */
export function parseConfigValue(
  name: string,
  type: ConfigTypeName,
  raw: string,
): { value: ConfigValue } | { error: string } {
  const trimmed = raw.trim();
  const bits = INTEGER_BITS[type];
  if (bits !== undefined) {
    const value = /^[+-]?\d+$/.test(trimmed) ? BigInt(trimmed) : null;
    const limit = 1n << (bits - 1n);
    if (value === null || value < -limit || value >= limit) {
      return { error: invalid(name, raw, `Not a number of type ${type}`) };
    }
    return { value };
  }
  switch (type) {
    case "BOOLEAN": {
      const lower = trimmed.toLowerCase();
      if (lower === "true" || lower === "false") return { value: lower === "true" };
      return { error: invalid(name, raw, "Expected value to be either true or false") };
    }
    case "DOUBLE":
      if (!DOUBLE_PATTERN.test(trimmed)) return { error: invalid(name, raw, "Not a number of type DOUBLE") };
      return { value: Number.parseFloat(trimmed) };
    case "LIST":
      return { value: trimmed === "" ? [] : trimmed.split(/\s*,\s*/) };
    case "PASSWORD":
      return { value: raw };
    default:
      return { value: trimmed };
  }
}

/** The canonical text of a parsed value (what DescribeConfigs reports). */
export function formatConfigValue(value: ConfigValue): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** The canonical text of a raw value ("TRUE" → "true", " 5" → "5"), or the raw value when it does not parse. */
export function normaliseConfigValue(type: ConfigTypeName, raw: string): string {
  const parsed = parseConfigValue("", type, raw);
  return "value" in parsed ? formatConfigValue(parsed.value) : raw;
}

/** Sign of value - bound, for integers (bigint) and doubles alike. */
function compare(value: ConfigValue, bound: number): number {
  if (typeof value === "bigint") return value < BigInt(bound) ? -1 : value > BigInt(bound) ? 1 : 0;
  return Math.sign(Number(value) - bound);
}

export function atLeast(min: number): Validator {
  return (name, raw, value) =>
    compare(value, min) < 0 ? invalid(name, raw, `Value must be at least ${min}`) : null;
}

export function between(min: number, max: number): Validator {
  return (name, raw, value) => {
    if (compare(value, min) < 0) return invalid(name, raw, `Value must be at least ${min}`);
    if (compare(value, max) > 0) return invalid(name, raw, `Value must be no more than ${max}`);
    return null;
  };
}

export function oneOf(...allowed: string[]): Validator {
  return (name, raw, value) =>
    allowed.includes(value as string)
      ? null
      : invalid(name, raw, `String must be one of: ${allowed.join(", ")}`);
}

export function nonEmptyListOf(...allowed: string[]): Validator {
  return (name, raw, value) => {
    const items = value as string[];
    if (items.length === 0)
      return invalid(name, raw, `The list must not be empty; use ${allowed.join(", ")}`);
    const bad = items.find((item) => !allowed.includes(item));
    return bad === undefined ? null : invalid(name, bad, `String must be one of: ${allowed.join(", ")}`);
  };
}

export const throttledReplicas: Validator = (name, raw, value) => {
  const items = value as string[];
  if (items.join("") === "*" || items.every((item) => /^(\d+:\d+)?$/.test(item))) return null;
  return invalid(
    name,
    raw,
    `${name} must be the literal '*' or a list of replicas in the following format: ` +
      "[partitionId]:[brokerId],[partitionId]:[brokerId],...",
  );
};

/** gzip takes 1..9, or -1 for the codec's own default. */
export const gzipLevel: Validator = (name, raw, value) => {
  const level = Number(value);
  return level > 9 || (level < 1 && level !== -1)
    ? invalid(name, raw, "Value must be between 1 and 9 or equal to -1")
    : null;
};

export interface ConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSource;
}

/** One config as DescribeConfigs reports it. */
export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly isDefault: boolean;
  readonly source: ConfigSource;
  readonly readOnly: boolean;
  readonly isSensitive: boolean;
  readonly type: ConfigTypeName;
  readonly documentation: string;
  /** Where the value could come from, most specific first (the chosen one is the first). */
  readonly synonyms: ConfigSynonym[];
}
