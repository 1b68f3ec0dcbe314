// A strict reader of Prometheus' text exposition format (version 0.0.4), for tests: every line must
// be a HELP, a TYPE or a sample of a declared family; histograms must have cumulative buckets whose
// +Inf bucket equals their count. Throws on the first line that breaks a rule.

export interface ExposedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: ExposedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const fail = (reason: string): never => {
      throw new Error(`line ${index + 1}: ${reason}: ${JSON.stringify(line)}`);
    };
    if (line === "") return;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) fail("invalid metric name");
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (keyword === "TYPE") {
        if (!TYPES.has(rest)) fail("unknown type");
        if (family.samples.length > 0) fail("TYPE after samples");
        family.type = rest as MetricFamily["type"];
      } else {
        family.help = rest;
      }
      families.set(name, family);
      return;
    }
    const sample = parseSample(line, fail);
    const family = familyOf(families, sample.name) ?? fail("sample of an undeclared family");
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) fail("duplicate series");
    seen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function familyOf(families: Map<string, MetricFamily>, sampleName: string): MetricFamily | undefined {
  const exact = families.get(sampleName);
  if (exact) return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))) {
      return family;
    }
  }
  return undefined;
}

function parseSample(line: string, fail: (reason: string) => never): ExposedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line) ?? fail("no metric name");
  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === "{") {
    position += 1;
    while (line[position] !== "}") {
      const labelMatch = /^([^=]+)="/.exec(line.slice(position)) ?? fail("malformed label");
      const labelName = labelMatch[1]!;
      if (!LABEL_NAME.test(labelName)) fail(`invalid label name ${labelName}`);
      if (labelName in labels) fail(`label ${labelName} repeated`);
      position += labelMatch[0].length;
      let value = "";
      for (;;) {
        const character = line[position] ?? fail("unterminated label value");
        position += 1;
        if (character === '"') break;
        if (character !== "\\") {
          value += character;
          continue;
        }
        const escaped = line[position] ?? fail("dangling escape");
        position += 1;
        if (escaped === "n") value += "\n";
        else if (escaped === "\\" || escaped === '"') value += escaped;
        else fail(`invalid escape \\${escaped}`);
      }
      labels[labelName] = value;
      if (line[position] === ",") position += 1;
      else if (line[position] !== "}") fail("expected , or }");
    }
    position += 1;
  }
  if (line[position] !== " ") fail("expected a space before the value");
  const [valueText, timestamp, ...extra] = line.slice(position + 1).split(" ");
  if (extra.length > 0 || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) fail("trailing text");
  return { name, labels, value: parseValue(valueText ?? "", fail) };
}

/** Values as Prometheus reads them (Go's ParseFloat): prom-client writes NaN as "Nan", which is accepted. */
function parseValue(text: string, fail: (reason: string) => never): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(`invalid value ${text}`);
  return Number(text);
}

/** Buckets ascend by `le`, their counts never fall, and +Inf equals `_count`, for each label set. */
function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), sample.value]);
    } else if (sample.name === `${family.name}_count`) {
      entry.count = sample.value;
    }
  }
  for (const [key, { buckets, count }] of series) {
    const where = `${family.name}${key}`;
    for (let index = 1; index < buckets.length; index++) {
      const [bound, value] = buckets[index]!;
      const [previousBound, previousValue] = buckets[index - 1]!;
      if (!(bound > previousBound)) throw new Error(`${where}: buckets out of order`);
      if (value < previousValue) throw new Error(`${where}: bucket counts are not cumulative`);
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    if (last[1] !== count) throw new Error(`${where}: +Inf bucket ${last[1]} differs from count ${count}`);
  }
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
        return sample.value;
    }
  }
  return undefined;
}
