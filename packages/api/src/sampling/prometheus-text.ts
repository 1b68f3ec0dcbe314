// A reader of Prometheus' text exposition format (version 0.0.4), as the brokers' /metrics writes it:
// metric families with their HELP and TYPE, samples with escaped label values, NaN and ±Inf, and
// histograms regrouped from their _bucket, _sum and _count lines. Pure: text in, families out.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface PrometheusSample {
  /** The sample's own name: for a histogram, the family name plus _bucket, _sum or _count. */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Epoch milliseconds, when the line carries one. */
  timestamp?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: PrometheusSample[];
}

/** One histogram series: cumulative bucket counts by upper bound (ascending, +Inf last), sum and count. */
export interface HistogramSeries {
  /** The series' labels without `le`. */
  labels: Readonly<Record<string, string>>;
  buckets: { upperBound: number; count: number }[];
  sum: number;
  count: number;
}

export class PrometheusParseError extends Error {
  override readonly name = "PrometheusParseError";
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line} of the exposition: ${reason}`);
  }
}

const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * The families of an exposition by name. Samples of undeclared names form "untyped" families of
 * their own; histogram and summary samples join the family their suffix names. Throws
 * PrometheusParseError on the first malformed line: a scrape that cannot be read is a failed scrape.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyNamed = (name: string): MetricFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: "untyped", help: "", samples: [] };
      families.set(name, family);
    }
    return family;
  };
  text.split("\n").forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, "").trim();
    if (line === "") return;
    const lineNumber = index + 1;
    if (line.startsWith("#")) {
      const match = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name = "", rest = ""] = match;
      const family = familyNamed(name);
      if (keyword === "HELP") {
        family.help = unescapeHelp(rest);
      } else {
        if (!TYPES.has(rest as MetricType))
          throw new PrometheusParseError(lineNumber, `unknown type "${rest}"`);
        family.type = rest as MetricType;
      }
      return;
    }
    const sample = parseSampleLine(line, lineNumber);
    familyNamed(familyNameOf(families, sample.name)).samples.push(sample);
  });
  return families;
}

/** The family a sample belongs to: its own name, or the declared histogram/summary its suffix names. */
function familyNameOf(families: ReadonlyMap<string, MetricFamily>, sampleName: string): string {
  if (families.has(sampleName)) return sampleName;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base?.type === "histogram" || (base?.type === "summary" && suffix !== "_bucket")) return base.name;
  }
  return sampleName;
}

function parseSampleLine(line: string, lineNumber: number): PrometheusSample {
  const fail = (reason: string): never => {
    throw new PrometheusParseError(lineNumber, reason);
  };
  const name = METRIC_NAME.exec(line)?.[0] ?? fail("expected a metric name");
  let position = name.length;
  const labels: Record<string, string> = {};
  const skipBlanks = () => {
    while (line[position] === " " || line[position] === "\t") position += 1;
  };
  skipBlanks();
  if (line[position] === "{") {
    position += 1;
    for (;;) {
      skipBlanks();
      if (line[position] === "}") break;
      const labelName = LABEL_NAME.exec(line.slice(position))?.[0] ?? fail("expected a label name");
      position += labelName.length;
      skipBlanks();
      if (line[position] !== "=") fail(`expected = after label ${labelName}`);
      position += 1;
      skipBlanks();
      if (line[position] !== '"') fail(`expected a quoted value for label ${labelName}`);
      position += 1;
      let value = "";
      for (;;) {
        const character = line[position] ?? fail(`unterminated value of label ${labelName}`);
        position += 1;
        if (character === '"') break;
        if (character !== "\\") {
          value += character;
          continue;
        }
        const escaped = line[position] ?? fail("a backslash at the end of the line");
        position += 1;
        if (escaped === "n") value += "\n";
        else if (escaped === "\\" || escaped === '"') value += escaped;
        else fail(`invalid escape \\${escaped} in label ${labelName}`);
      }
      if (Object.hasOwn(labels, labelName)) fail(`label ${labelName} repeated`);
      labels[labelName] = value;
      skipBlanks();
      if (line[position] === ",") position += 1;
      else if (line[position] !== "}") fail("expected , or } after a label");
    }
    position += 1;
  }
  const [valueText, timestampText, ...extra] = line
    .slice(position)
    .trim()
    .split(/[ \t]+/);
  if (valueText === undefined || valueText === "") fail("expected a value");
  if (extra.length > 0) fail("unexpected text after the timestamp");
  const value = parseValue(valueText ?? "") ?? fail(`invalid value "${valueText}"`);
  const sample: PrometheusSample = { name, labels, value };
  if (timestampText !== undefined) {
    if (!/^-?\d+$/.test(timestampText)) fail(`invalid timestamp "${timestampText}"`);
    sample.timestamp = Number(timestampText);
  }
  return sample;
}

/** A sample value as Prometheus reads it (Go's ParseFloat): NaN, ±Inf in any case, or a decimal float. */
export function parseValue(text: string): number | undefined {
  if (/^[+]?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  return FLOAT.test(text) ? Number(text) : undefined;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, escaped: string) => (escaped === "n" ? "\n" : "\\"));
}

/** A stable key of a label set, for matching the same series across scrapes. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([left], [right]) => (left < right ? -1 : 1)));
}

/**
 * A histogram family's series, each with its buckets in ascending order. Series with no +Inf bucket
 * keep what they have; their count is the _count line's (or the +Inf bucket's when _count is absent).
 */
export function histogramSeries(family: MetricFamily): HistogramSeries[] {
  const series = new Map<string, HistogramSeries>();
  const entryFor = (labels: Readonly<Record<string, string>>): HistogramSeries => {
    const key = labelKey(labels);
    let entry = series.get(key);
    if (!entry) {
      entry = { labels, buckets: [], sum: 0, count: Number.NaN };
      series.set(key, entry);
    }
    return entry;
  };
  for (const sample of family.samples) {
    if (sample.name === `${family.name}_bucket`) {
      const { le, ...labels } = sample.labels;
      const upperBound = le === undefined ? undefined : parseValue(le);
      if (upperBound === undefined || Number.isNaN(upperBound)) continue;
      entryFor(labels).buckets.push({ upperBound, count: sample.value });
    } else if (sample.name === `${family.name}_sum`) {
      entryFor(sample.labels).sum = sample.value;
    } else if (sample.name === `${family.name}_count`) {
      entryFor(sample.labels).count = sample.value;
    }
  }
  for (const entry of series.values()) {
    entry.buckets.sort((left, right) => left.upperBound - right.upperBound);
    if (Number.isNaN(entry.count)) {
      const last = entry.buckets.at(-1);
      entry.count = last?.upperBound === Number.POSITIVE_INFINITY ? last.count : 0;
    }
  }
  return [...series.values()];
}
