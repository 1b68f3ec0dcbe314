// Why a consumer group lags, from aligned time series over one window: which signals moved (the
// recent third of the window against the earlier baseline) and which explanations they support —
// processor lag, produce surge, broker pressure, object-store behaviour, network — ranked.
// Pure: the router reads the samples and aligns them; everything here is arithmetic and wording.
import {
  type Direction,
  formatSignalValue,
  type Movement,
  median,
  movement,
  present,
  type Series,
  type SignalKey,
} from "./signal-movement.js";

/** What the brokers leading the group's partitions report, per broker. */
export interface BrokerSignals {
  brokerId: number;
  fetchP99Ms: Series;
  produceP99Ms: Series;
  /** Failed Kafka requests per second, every API together. */
  requestErrorsPerSecond: Series;
  objectStoreGetP99Ms: Series;
  objectStoreGetErrorsPerSecond: Series;
  /** The catch-up throttle's delay. */
  catchUpWaitP99Ms: Series;
}

/** A group's signals over one window, every series aligned to `times`. */
export interface GroupSignals {
  /** Bucket start times, epoch milliseconds, oldest first. */
  times: readonly number[];
  lagRecords: Series;
  lagMs: Series;
  members: Series;
  /** Records per second the group commits past. */
  consumeRecordsPerSecond: Series;
  /** Records per second appended to the partitions the group reads. */
  produceRecordsPerSecond: Series;
  /** Bytes per second fetched from the group's topics near the head (WAL, log cache). */
  tailReadBytesPerSecond: Series;
  /** Bytes per second fetched from the group's topics behind the head (block cache, object store). */
  catchUpReadBytesPerSecond: Series;
  brokers: readonly BrokerSignals[];
}

export type VerdictKind =
  | "processor-lag"
  | "produce-surge"
  | "broker-pressure"
  | "object-store"
  | "network"
  | "no-lag"
  | "not-enough-data";

export interface Verdict {
  kind: VerdictKind;
  title: string;
  /** What the signals say, in a sentence or two. */
  explanation: string;
  /** The movements behind it, as sentences. */
  evidence: string[];
  /** True when the verdict is read from the absence of other causes rather than seen directly. */
  inference: boolean;
  /** Higher ranks first; only meaningful between verdicts of one diagnosis. */
  score: number;
}

export interface LagDiagnosis {
  /** The first bucket time the comparison starts from (the first with a lag sample). */
  analysedFrom: number | null;
  /** Where the recent part starts. */
  recentFrom: number | null;
  movements: Movement[];
  /** Ranked, most likely first; never empty. */
  verdicts: Verdict[];
}

/** Lag at or under this much time, not growing, counts as none (a commit interval's worth). */
const NO_LAG_MS = 2000;
/** Below this many lag samples in the window there is nothing to compare. */
const MIN_LAG_SAMPLES = 4;
/** From this share of catch-up reads on, the group's topics are read behind the head. */
const CATCH_UP_READS = 0.2;

function sumSeries(first: Series, second: Series): (number | null)[] {
  return first.map((value, index) => {
    const other = second[index] ?? null;
    return value === null && other === null ? null : (value ?? 0) + (other ?? 0);
  });
}

function shareSeries(part: Series, whole: Series): (number | null)[] {
  return part.map((value, index) => {
    const total = whole[index] ?? null;
    return value === null || total === null || total <= 0 ? null : value / total;
  });
}

interface AnalysedRange {
  /** Index of the first bucket compared: the first with a lag sample (0 without any). */
  start: number;
  /** Index where the recent third starts. */
  split: number;
}

/** The group's sampling may have started inside the window: the comparison starts where its lag samples do. */
function analysedRange(signals: GroupSignals): AnalysedRange {
  const start = Math.max(
    0,
    signals.lagRecords.findIndex((value) => value !== null),
  );
  const length = signals.times.length - start;
  return { start, split: start + length - Math.max(1, Math.floor(length / 3)) };
}

/** Every signal's movement over the analysed part of the window. */
function movements(signals: GroupSignals, { start, split: absoluteSplit }: AnalysedRange): Movement[] {
  const split = absoluteSplit - start;
  const measure = (signal: SignalKey, values: Series, brokerId: number | null = null) =>
    movement(signal, values.slice(start), split, brokerId);
  const readBytes = sumSeries(signals.tailReadBytesPerSecond, signals.catchUpReadBytesPerSecond);
  const result = [
    measure("lag_records", signals.lagRecords),
    measure("lag_ms", signals.lagMs),
    measure("consume_rate", signals.consumeRecordsPerSecond),
    measure("produce_rate", signals.produceRecordsPerSecond),
    measure("read_bytes", readBytes),
    measure("catch_up_share", shareSeries(signals.catchUpReadBytesPerSecond, readBytes)),
  ];
  for (const broker of signals.brokers) {
    result.push(
      measure("fetch_p99", broker.fetchP99Ms, broker.brokerId),
      measure("produce_p99", broker.produceP99Ms, broker.brokerId),
      measure("request_errors", broker.requestErrorsPerSecond, broker.brokerId),
      measure("object_store_get_p99", broker.objectStoreGetP99Ms, broker.brokerId),
      measure("object_store_get_errors", broker.objectStoreGetErrorsPerSecond, broker.brokerId),
      measure("catch_up_wait_p99", broker.catchUpWaitP99Ms, broker.brokerId),
    );
  }
  return result;
}

/** Reads the movements by signal: which went which way, and the group's own figures. */
class Findings {
  constructor(readonly all: readonly Movement[]) {}

  of(signal: SignalKey): Movement[] {
    return this.all.filter((entry) => entry.signal === signal);
  }

  /** The group's own movement of `signal` (lag, rates, reads). */
  own(signal: SignalKey): Movement {
    return this.of(signal)[0] as Movement;
  }

  went(signal: SignalKey, direction: Direction): Movement[] {
    return this.of(signal).filter((entry) => entry.direction === direction);
  }

  rose(...signals: SignalKey[]): Movement[] {
    return signals.flatMap((signal) => this.went(signal, "up"));
  }

  /** A sentence per broker for signals that held, as contrast ("Fetch p99 on broker 1 steady at 4 ms"). */
  held(signal: SignalKey): string[] {
    return this.went(signal, "steady").map((entry) => entry.sentence);
  }
}

const BROKER_SIGNALS: SignalKey[] = ["fetch_p99", "produce_p99", "request_errors"];
/** Ties are broken toward the cause that explains the others (object store slows Fetch, not the reverse). */
const TIE_ORDER: VerdictKind[] = [
  "object-store",
  "broker-pressure",
  "produce-surge",
  "processor-lag",
  "network",
  "no-lag",
  "not-enough-data",
];

function sentences(entries: readonly Movement[]): string[] {
  return entries.map((entry) => entry.sentence);
}

function describeLag(findings: Findings): string {
  const records = findings.own("lag_records");
  const inTime = findings.own("lag_ms");
  const recordText = records.recent === null ? null : formatSignalValue(records.recent, "records");
  const timeText = inTime.recent === null ? null : formatSignalValue(inTime.recent, "ms");
  return [recordText, timeText].filter((text) => text !== null).join(" / ") || "behind";
}

function produceSurge(findings: Findings, lagGrowing: boolean): Verdict | null {
  const produce = findings.own("produce_rate");
  const consume = findings.own("consume_rate");
  if (produce.direction !== "up" || produce.recent === null || produce.baseline === null) return null;
  const keptUp =
    consume.recent !== null &&
    consume.baseline !== null &&
    consume.recent >= produce.recent &&
    consume.recent - consume.baseline >= 0.8 * (produce.recent - produce.baseline);
  if (keptUp) return null;
  const consumeText =
    consume.recent === null ? "an unknown rate" : formatSignalValue(consume.recent, "records/s");
  return {
    kind: "produce-surge",
    title: "Produce surge",
    explanation: `Producers append to the group's partitions faster than before (${formatSignalValue(produce.recent, "records/s")}, from ${formatSignalValue(produce.baseline, "records/s")}) while the group consumes ${consumeText}: the lag comes from the extra input, not from a slower consumer or broker. Add consumers (up to the partition count) or let the surge pass.`,
    evidence: sentences([produce, consume, ...(lagGrowing ? [findings.own("lag_records")] : [])]),
    inference: false,
    score: 4 + (lagGrowing ? 1 : 0),
  };
}

function brokerPressure(findings: Findings): Verdict | null {
  const rose = findings.rose(...BROKER_SIGNALS);
  if (rose.length === 0) return null;
  const brokers = [...new Set(rose.map((entry) => entry.brokerId))].join(", ");
  return {
    kind: "broker-pressure",
    title: "Broker pressure",
    explanation: `Requests on broker ${brokers}, which leads the group's partitions, got slower or started failing: consumers spend longer waiting on the broker for each fetch.`,
    evidence: sentences(rose),
    inference: false,
    score: 3 + Math.min(rose.length, 3),
  };
}

function objectStoreBehaviour(findings: Findings): Verdict | null {
  const throttled = findings.rose("catch_up_wait_p99");
  const objectStore = findings.rose("object_store_get_p99", "object_store_get_errors");
  const share = findings.own("catch_up_share");
  const readsBehindHead =
    (share.recent !== null && share.recent >= CATCH_UP_READS) || share.direction === "up";
  if (throttled.length === 0 && !(objectStore.length > 0 && readsBehindHead)) return null;
  const fetchRose = findings.rose("fetch_p99");
  const shareText =
    share.recent === null
      ? "Its topics are read behind the head"
      : `${formatSignalValue(share.recent, "share")} of its topics' reads are catch-up reads (block cache or object store)`;
  return {
    kind: "object-store",
    title: "Object-store behaviour",
    explanation: `${shareText}, and ${
      throttled.length > 0
        ? "the catch-up throttle holds reads back longer"
        : "the object store answers slower or fails"
    }: catch-up fetches wait on object storage${fetchRose.length > 0 ? ", which is also why Fetch got slower" : ""}.`,
    evidence: sentences([share, ...throttled, ...objectStore, ...fetchRose]),
    inference: false,
    score: 3 + Math.min(throttled.length + objectStore.length, 3) + (fetchRose.length > 0 ? 1 : 0),
  };
}

/** Neither the input nor the brokers explain the lag: it is the consumer's. */
function processorLag(findings: Findings, lagGrowing: boolean, recentMembers: number | null): Verdict {
  const produce = findings.own("produce_rate");
  const consume = findings.own("consume_rate");
  const share = findings.own("catch_up_share");
  const fromTail = share.recent === null || share.recent < CATCH_UP_READS;
  const stopped = recentMembers === 0;
  const evidence = [
    findings.own("lag_records").sentence,
    produce.sentence,
    consume.sentence,
    ...(share.recent === null ? [] : [share.sentence]),
    ...findings.held("fetch_p99"),
    ...findings.held("object_store_get_p99"),
    ...(stopped ? ["No member of the group is running"] : []),
  ];
  if (stopped)
    return {
      kind: "processor-lag",
      title: "Processor lag",
      explanation: `No member of the group is running, so nothing consumes ${
        lagGrowing && produce.recent !== null
          ? `while producers append ${formatSignalValue(produce.recent, "records/s")}`
          : "its backlog"
      }; the brokers are not the cause. Start the group's consumers.`,
      evidence,
      inference: false,
      score: lagGrowing ? 5 : 3,
    };
  if (!lagGrowing)
    return {
      kind: "processor-lag",
      title: "Processor lag",
      explanation: `The group is ${describeLag(findings)} behind, but its lag is not growing and nothing on the broker side moved in this window: it consumes about as fast as producers append without working off the backlog.`,
      evidence,
      inference: true,
      score: 1,
    };
  return {
    kind: "processor-lag",
    title: "Processor lag",
    explanation: `Lag grows while the produce rate is steady, the brokers' latencies are flat and the group's fetches are served ${
      fromTail ? "from the tail" : "partly by catch-up reads that are no slower than before"
    }: the consumer isn't keeping up${consume.direction === "down" ? " (it consumes less than before)" : ""}.`,
    evidence,
    inference: false,
    score: fromTail ? 3 : 2,
  };
}

function network(findings: Findings): Verdict | null {
  const reads = findings.own("read_bytes");
  const consume = findings.own("consume_rate");
  if (reads.direction !== "down") return null;
  const evidence = [reads.sentence, consume.sentence, ...findings.held("fetch_p99")];
  return {
    kind: "network",
    title: "Network (inferred)",
    explanation:
      "An inference, not a measurement: the group is behind and its topics are fetched at fewer bytes per second, yet the brokers answer Fetch as fast as before and without errors. Something between broker and consumer — the network, or a consumer that stalls before fetching again — slows it; compare client-side fetch latency and the consumer hosts' network figures.",
    evidence,
    inference: true,
    score: 2 + (consume.direction === "down" ? 2 : 1),
  };
}

function notEnoughData(findings: Findings, lagSamples: number): Verdict {
  return {
    kind: "not-enough-data",
    title: "Not enough data",
    explanation: `The window holds ${lagSamples} lag sample${lagSamples === 1 ? "" : "s"} of this group; at least ${MIN_LAG_SAMPLES}, spread over the window, are needed to tell what moved. Pick a longer window or wait for more sampling rounds.`,
    evidence: [findings.own("lag_records").sentence],
    inference: false,
    score: 0,
  };
}

function rank(verdicts: Verdict[]): Verdict[] {
  return verdicts.sort((a, b) => b.score - a.score || TIE_ORDER.indexOf(a.kind) - TIE_ORDER.indexOf(b.kind));
}

/**
 * What moved over the window and why the group lags, most likely explanation first:
 * - not enough data: under MIN_LAG_SAMPLES lag samples, or too few on either side of the split;
 * - no lag: lag not growing and zero records, or at most NO_LAG_MS behind;
 * - broker pressure: Fetch or Produce p99, or request errors, rose on a broker leading its partitions;
 * - object-store behaviour: the catch-up throttle's delay rose, or object-store GET latency or errors
 *   rose while a good share of its topics' reads are catch-up reads;
 * - produce surge: the produce rate rose and the consume rate did not rise with it;
 * - network (an inference): bytes fetched from its topics fell while none of the above holds;
 * - processor lag: none of the substrate verdicts holds and producers did not surge — the consumer
 *   isn't keeping up (or is not running); by elimination when the lag is steady rather than growing.
 * Scores rank them: the stronger and more numerous the movements, the higher; ties go to TIE_ORDER.
 */
export function diagnoseLag(signals: GroupSignals): LagDiagnosis {
  const range = analysedRange(signals);
  const all = movements(signals, range);
  const findings = new Findings(all);
  const hasLag = signals.lagRecords.some((value) => value !== null);
  const analysedFrom = hasLag ? (signals.times[range.start] ?? null) : null;
  const recentFrom = hasLag ? (signals.times[range.split] ?? null) : null;
  const lagSamples = present(signals.lagRecords).length;
  const lag = findings.own("lag_records");
  if (lagSamples < MIN_LAG_SAMPLES || lag.direction === "unknown")
    return { analysedFrom, recentFrom, movements: all, verdicts: [notEnoughData(findings, lagSamples)] };

  const lagGrowing = findings.rose("lag_records", "lag_ms").length > 0;
  const lagInTime = findings.own("lag_ms").recent;
  const noLag = !lagGrowing && (lag.recent === 0 || (lagInTime !== null && lagInTime <= NO_LAG_MS));
  if (noLag)
    return {
      analysedFrom,
      recentFrom,
      movements: all,
      verdicts: [
        {
          kind: "no-lag",
          title: "No lag",
          explanation: `The group keeps up: its lag is ${describeLag(findings)} and not growing.`,
          evidence: sentences([lag, findings.own("lag_ms")].filter((entry) => entry.direction !== "unknown")),
          inference: false,
          score: 0,
        },
      ],
    };

  // The substrate's verdicts come first: where one holds, the lag is not the consumer's alone, and a
  // drop in fetched bytes is explained by the broker rather than inferred to be the network.
  const surge = produceSurge(findings, lagGrowing);
  const substrate = [brokerPressure(findings), objectStoreBehaviour(findings)].filter(
    (verdict): verdict is Verdict => verdict !== null,
  );
  const recentMembers = median(present(signals.members.slice(range.split)));
  const candidates = [...substrate, ...(surge ? [surge] : [])];
  if (substrate.length === 0) {
    const reads = network(findings);
    if (reads) candidates.push(reads);
    if (!surge) candidates.push(processorLag(findings, lagGrowing, recentMembers));
  }
  return { analysedFrom, recentFrom, movements: all, verdicts: rank(candidates) };
}
