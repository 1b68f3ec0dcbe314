// The lag diagnosis on synthetic series: when a signal counts as moved (and when noise does not),
// and which verdict each pattern of movements gives — processor lag, produce surge, broker pressure,
// object-store behaviour, network, no lag and not enough data — ranked when several apply.
import { describe, expect, it } from "vitest";
import { type BrokerSignals, diagnoseLag, type GroupSignals } from "../src/observability/lag-diagnosis.js";
import { movement, type Series } from "../src/observability/signal-movement.js";

const BUCKETS = 12;
/** The last third of 12 buckets: the recent part starts at index 8. */
const RECENT_FROM = 8;

function steady(value: number): Series {
  return Array.from({ length: BUCKETS }, () => value);
}

/** `before` in the baseline part, `after` in the recent part. */
function step(before: number, after: number): Series {
  return Array.from({ length: BUCKETS }, (_, index) => (index < RECENT_FROM ? before : after));
}

function ramp(from: number, to: number): Series {
  return Array.from({ length: BUCKETS }, (_, index) => from + ((to - from) * index) / (BUCKETS - 1));
}

function broker(changes: Partial<BrokerSignals> = {}): BrokerSignals {
  return {
    brokerId: 1,
    fetchP99Ms: steady(3),
    produceP99Ms: steady(8),
    requestErrorsPerSecond: steady(0),
    objectStoreGetP99Ms: steady(25),
    objectStoreGetErrorsPerSecond: steady(0),
    catchUpWaitP99Ms: steady(0),
    ...changes,
  };
}

/** A healthy group keeping up at 100 records/s, served from the tail; `changes` make it lag. */
function signals(changes: Partial<GroupSignals> = {}): GroupSignals {
  return {
    times: Array.from({ length: BUCKETS }, (_, index) => 1_000_000 + index * 10_000),
    lagRecords: steady(0),
    lagMs: steady(0),
    members: steady(2),
    consumeRecordsPerSecond: steady(100),
    produceRecordsPerSecond: steady(100),
    tailReadBytesPerSecond: steady(100_000),
    catchUpReadBytesPerSecond: steady(0),
    brokers: [broker()],
    ...changes,
  };
}

const growingLag = { lagRecords: ramp(100, 5000), lagMs: ramp(1000, 50_000) };

function kinds(input: GroupSignals): string[] {
  return diagnoseLag(input).verdicts.map((verdict) => verdict.kind);
}

describe("movement", () => {
  it("a p99 that rises past both thresholds moved up, stated with both medians", () => {
    const moved = movement("fetch_p99", step(3, 240), RECENT_FROM, 1);
    expect(moved).toMatchObject({ direction: "up", baseline: 3, recent: 240 });
    expect(moved.sentence).toBe("Fetch p99 on broker 1 rose from 3 ms to 240 ms");
  });

  it("a 60% rise that is only a few milliseconds is noise, not a move", () => {
    expect(movement("fetch_p99", step(5, 8), RECENT_FROM, 1).direction).toBe("steady");
  });

  it("one slow bucket in the recent part does not move the median", () => {
    const spike = [...steady(3)];
    spike[10] = 900;
    expect(movement("fetch_p99", spike, RECENT_FROM, 1).direction).toBe("steady");
  });

  it("a large absolute change that is small relative to the baseline is not a move", () => {
    expect(movement("lag_records", step(100_000, 110_000), RECENT_FROM).direction).toBe("steady");
  });

  it("a fall is a move down", () => {
    expect(movement("consume_rate", step(100, 20), RECENT_FROM).sentence).toBe(
      "Consume rate fell from 100 records/s to 20 records/s",
    );
  });

  it("fewer than two samples in either part is unknown", () => {
    const sparse = [null, null, null, null, null, null, null, 3, null, null, null, 240];
    expect(movement("fetch_p99", sparse, RECENT_FROM, 1).direction).toBe("unknown");
  });
});

describe("diagnoseLag", () => {
  it("a group whose lag stays at zero has no lag", () => {
    expect(kinds(signals())).toEqual(["no-lag"]);
  });

  it("a few records behind but under two seconds and not growing is no lag", () => {
    expect(kinds(signals({ lagRecords: steady(40), lagMs: steady(800) }))).toEqual(["no-lag"]);
  });

  it("three lag samples are not enough data", () => {
    const sparse = Array.from({ length: BUCKETS }, (_, index) => (index >= 9 ? 500 : null));
    const diagnosis = diagnoseLag(signals({ lagRecords: sparse }));
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["not-enough-data"]);
    expect(diagnosis.verdicts[0]?.explanation).toContain("3 lag samples");
  });

  it("the comparison starts at the group's first lag sample, not at the start of the window", () => {
    const late = Array.from({ length: BUCKETS }, (_, index) => (index < 6 ? null : index < 10 ? 100 : 2000));
    const diagnosis = diagnoseLag(signals({ lagRecords: late, lagMs: steady(60_000) }));
    expect(diagnosis.analysedFrom).toBe(1_000_000 + 6 * 10_000);
    expect(diagnosis.recentFrom).toBe(1_000_000 + 10 * 10_000);
    expect(diagnosis.movements.find((entry) => entry.signal === "lag_records")?.direction).toBe("up");
  });

  it("lag growing with steady input, flat brokers and tail reads is processor lag", () => {
    const diagnosis = diagnoseLag(signals({ ...growingLag, consumeRecordsPerSecond: steady(60) }));
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["processor-lag"]);
    expect(diagnosis.verdicts[0]?.explanation).toContain("the consumer isn't keeping up");
    expect(diagnosis.verdicts[0]?.evidence).toContain("Fetch p99 on broker 1 steady at 3 ms");
  });

  it("a group with no running member is processor lag, said as such", () => {
    const diagnosis = diagnoseLag(
      signals({ ...growingLag, members: steady(0), consumeRecordsPerSecond: steady(0) }),
    );
    expect(diagnosis.verdicts[0]?.kind).toBe("processor-lag");
    expect(diagnosis.verdicts[0]?.explanation).toContain("No member of the group is running");
  });

  it("lag that grows because producers tripled while consumption held is a produce surge", () => {
    const diagnosis = diagnoseLag(signals({ ...growingLag, produceRecordsPerSecond: step(100, 300) }));
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["produce-surge"]);
    expect(diagnosis.verdicts[0]?.evidence).toContain(
      "Produce rate rose from 100 records/s to 300 records/s",
    );
  });

  it("a produce rise the consumers matched is not a surge", () => {
    const matched = { produceRecordsPerSecond: step(100, 300), consumeRecordsPerSecond: step(100, 300) };
    expect(kinds(signals({ ...growingLag, ...matched }))).not.toContain("produce-surge");
  });

  it("Fetch p99 rising on the leading broker is broker pressure, with the broker named", () => {
    const diagnosis = diagnoseLag(
      signals({ ...growingLag, brokers: [broker({ fetchP99Ms: step(3, 240) })] }),
    );
    expect(diagnosis.verdicts[0]?.kind).toBe("broker-pressure");
    expect(diagnosis.verdicts[0]?.evidence).toEqual(["Fetch p99 on broker 1 rose from 3 ms to 240 ms"]);
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).not.toContain("processor-lag");
  });

  it("request errors starting on a broker are broker pressure", () => {
    const diagnosis = diagnoseLag(
      signals({ ...growingLag, brokers: [broker({ requestErrorsPerSecond: step(0, 2) })] }),
    );
    expect(diagnosis.verdicts[0]?.kind).toBe("broker-pressure");
  });

  it("catch-up reads with a slower object store rank object-store behaviour above the Fetch slowdown it causes", () => {
    const diagnosis = diagnoseLag(
      signals({
        ...growingLag,
        tailReadBytesPerSecond: steady(10_000),
        catchUpReadBytesPerSecond: steady(90_000),
        brokers: [broker({ objectStoreGetP99Ms: step(25, 400), fetchP99Ms: step(40, 500) })],
      }),
    );
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["object-store", "broker-pressure"]);
    expect(diagnosis.verdicts[0]?.explanation).toContain("90% of its topics' reads are catch-up reads");
    expect(diagnosis.verdicts[0]?.evidence).toContain(
      "Object-store GET p99 on broker 1 rose from 25 ms to 400 ms",
    );
  });

  it("the catch-up throttle's delay rising is object-store behaviour", () => {
    const diagnosis = diagnoseLag(
      signals({
        ...growingLag,
        catchUpReadBytesPerSecond: steady(50_000),
        brokers: [broker({ catchUpWaitP99Ms: step(0, 800) })],
      }),
    );
    expect(diagnosis.verdicts[0]?.kind).toBe("object-store");
  });

  it("a slower object store while the group reads from the tail does not explain its lag", () => {
    const diagnosis = diagnoseLag(
      signals({ ...growingLag, brokers: [broker({ objectStoreGetP99Ms: step(25, 400) })] }),
    );
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["processor-lag"]);
  });

  it("fewer bytes fetched while the broker's Fetch stays fast is network, stated as an inference", () => {
    const diagnosis = diagnoseLag(
      signals({
        ...growingLag,
        consumeRecordsPerSecond: step(100, 30),
        tailReadBytesPerSecond: step(100_000, 30_000),
      }),
    );
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["network", "processor-lag"]);
    expect(diagnosis.verdicts[0]).toMatchObject({ inference: true });
    expect(diagnosis.verdicts[0]?.explanation).toMatch(/^An inference/);
  });

  it("fewer bytes fetched because the broker got slower is broker pressure, not network", () => {
    const diagnosis = diagnoseLag(
      signals({
        ...growingLag,
        consumeRecordsPerSecond: step(100, 30),
        tailReadBytesPerSecond: step(100_000, 30_000),
        brokers: [broker({ fetchP99Ms: step(3, 240) })],
      }),
    );
    expect(diagnosis.verdicts.map((verdict) => verdict.kind)).toEqual(["broker-pressure"]);
  });

  it("a steady backlog with nothing moving is processor lag read by elimination", () => {
    const diagnosis = diagnoseLag(signals({ lagRecords: steady(5000), lagMs: steady(60_000) }));
    expect(diagnosis.verdicts).toHaveLength(1);
    expect(diagnosis.verdicts[0]).toMatchObject({ kind: "processor-lag", inference: true, score: 1 });
  });

  it("every signal of every leading broker gets a movement", () => {
    const diagnosis = diagnoseLag(signals({ brokers: [broker(), broker({ brokerId: 2 })] }));
    expect(diagnosis.movements.filter((entry) => entry.brokerId === 2)).toHaveLength(6);
    expect(diagnosis.movements.filter((entry) => entry.brokerId === null)).toHaveLength(6);
  });
});
