// The Prometheus text exposition reader as pure logic: families with HELP and TYPE, escaped label
// values, special values, timestamps, histograms regrouped per series, and malformed lines refused.
import { describe, expect, it } from "vitest";
import {
  histogramSeries,
  labelKey,
  PrometheusParseError,
  parsePrometheusText,
  parseValue,
} from "../src/sampling/prometheus-text.js";

const EXPOSITION = `# HELP streambed_kafka_requests_total Kafka requests handed to their handler, by API.
# TYPE streambed_kafka_requests_total counter
streambed_kafka_requests_total{api="Produce"} 20
streambed_kafka_requests_total{api="Fetch"} 3

# HELP streambed_upload_pending_bytes Bytes appended and not yet stored.
# TYPE streambed_upload_pending_bytes gauge
streambed_upload_pending_bytes 4096
# HELP streambed_kafka_request_duration_seconds Time to answer.
# TYPE streambed_kafka_request_duration_seconds histogram
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="0.001"} 9
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="+Inf"} 20
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="0.01"} 20
streambed_kafka_request_duration_seconds_sum{api="Produce"} 0.0249
streambed_kafka_request_duration_seconds_count{api="Produce"} 20
streambed_kafka_request_duration_seconds_bucket{api="Fetch",le="0.001"} 0
streambed_kafka_request_duration_seconds_bucket{api="Fetch",le="0.01"} 1
streambed_kafka_request_duration_seconds_bucket{api="Fetch",le="+Inf"} 3
streambed_kafka_request_duration_seconds_sum{api="Fetch"} 1.2
streambed_kafka_request_duration_seconds_count{api="Fetch"} 3
`;

describe("parsePrometheusText", () => {
  it("reads families with their help, type and samples", () => {
    const families = parsePrometheusText(EXPOSITION);
    expect([...families.keys()]).toEqual([
      "streambed_kafka_requests_total",
      "streambed_upload_pending_bytes",
      "streambed_kafka_request_duration_seconds",
    ]);
    expect(families.get("streambed_kafka_requests_total")).toEqual({
      name: "streambed_kafka_requests_total",
      type: "counter",
      help: "Kafka requests handed to their handler, by API.",
      samples: [
        { name: "streambed_kafka_requests_total", labels: { api: "Produce" }, value: 20 },
        { name: "streambed_kafka_requests_total", labels: { api: "Fetch" }, value: 3 },
      ],
    });
    expect(families.get("streambed_upload_pending_bytes")?.samples).toEqual([
      { name: "streambed_upload_pending_bytes", labels: {}, value: 4096 },
    ]);
  });

  it("puts a histogram's _bucket, _sum and _count lines in its family", () => {
    const family = parsePrometheusText(EXPOSITION).get("streambed_kafka_request_duration_seconds");
    expect(family?.type).toBe("histogram");
    expect(family?.samples).toHaveLength(10);
  });

  it("unescapes backslashes, quotes and newlines in label values, and commas and braces stay literal", () => {
    const families = parsePrometheusText(
      'topic_bytes{topic="a\\\\b",note="say \\"hi\\"\\nthen, {leave}"} 1\n',
    );
    expect(families.get("topic_bytes")?.samples[0]?.labels).toEqual({
      topic: "a\\b",
      note: 'say "hi"\nthen, {leave}',
    });
  });

  it("unescapes HELP text", () => {
    const families = parsePrometheusText("# HELP x first line\\nsecond \\\\ end\n# TYPE x gauge\nx 1\n");
    expect(families.get("x")?.help).toBe("first line\nsecond \\ end");
  });

  it("reads NaN, +Inf and -Inf in any case, exponents, and a timestamp", () => {
    const families = parsePrometheusText(
      "a NaN\nb +Inf\nc -inf\nd Nan\ne 1.5e3 1700000000000\nf -0.25\ng .5\n",
    );
    const value = (name: string) => families.get(name)?.samples[0]?.value;
    expect(value("a")).toBeNaN();
    expect(value("b")).toBe(Number.POSITIVE_INFINITY);
    expect(value("c")).toBe(Number.NEGATIVE_INFINITY);
    expect(value("d")).toBeNaN();
    expect(value("e")).toBe(1500);
    expect(families.get("e")?.samples[0]?.timestamp).toBe(1_700_000_000_000);
    expect(value("f")).toBe(-0.25);
    expect(value("g")).toBe(0.5);
  });

  it("tolerates blanks around labels, a trailing comma, CRLF line ends and plain comments", () => {
    const families = parsePrometheusText('# just a note\r\nx { a = "1" , b="2", } 7\r\n');
    expect(families.get("x")?.samples).toEqual([{ name: "x", labels: { a: "1", b: "2" }, value: 7 }]);
  });

  it("gives samples of undeclared names an untyped family of their own", () => {
    const families = parsePrometheusText("orphan_count 4\n");
    expect(families.get("orphan_count")).toMatchObject({ type: "untyped", samples: [{ value: 4 }] });
  });

  it.each([
    ['x{a="1"', "unterminated label set"],
    ['x{a="1} 2', "unterminated value"],
    ['x{a="\\t"} 1', "invalid escape"],
    ['x{a="1",a="2"} 1', "repeated label"],
    ["x one", "a value that is not a number"],
    ["x 1 2 3", "text after the timestamp"],
    ["x", "no value"],
    ["# TYPE x distribution", "an unknown type"],
  ])("refuses %j (%s) naming the line", (line) => {
    const text = `ok 1\n${line}\n`;
    expect(() => parsePrometheusText(text)).toThrow(PrometheusParseError);
    expect(() => parsePrometheusText(text)).toThrow(/^line 2 /);
  });
});

describe("histogramSeries", () => {
  it("regroups buckets per label set in ascending order, with sum and count", () => {
    const family = parsePrometheusText(EXPOSITION).get("streambed_kafka_request_duration_seconds");
    expect(family && histogramSeries(family)).toEqual([
      {
        labels: { api: "Produce" },
        buckets: [
          { upperBound: 0.001, count: 9 },
          { upperBound: 0.01, count: 20 },
          { upperBound: Number.POSITIVE_INFINITY, count: 20 },
        ],
        sum: 0.0249,
        count: 20,
      },
      {
        labels: { api: "Fetch" },
        buckets: [
          { upperBound: 0.001, count: 0 },
          { upperBound: 0.01, count: 1 },
          { upperBound: Number.POSITIVE_INFINITY, count: 3 },
        ],
        sum: 1.2,
        count: 3,
      },
    ]);
  });

  it("takes the count from the +Inf bucket when the _count line is missing", () => {
    const family = parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 5\n').get(
      "h",
    );
    expect(family && histogramSeries(family)[0]?.count).toBe(5);
  });
});

describe("helpers", () => {
  it("keys a label set the same whatever the label order", () => {
    expect(labelKey({ b: "2", a: "1" })).toBe(labelKey({ a: "1", b: "2" }));
    expect(labelKey({ a: "1" })).not.toBe(labelKey({ a: "2" }));
  });

  it("reads values as Go's ParseFloat does and refuses anything else", () => {
    expect(parseValue("Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(parseValue("1e-3")).toBe(0.001);
    expect(parseValue("0x10")).toBeUndefined();
    expect(parseValue("")).toBeUndefined();
  });
});
