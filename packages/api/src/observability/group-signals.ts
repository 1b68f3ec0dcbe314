// Reads one consumer group's signals over a window from the sampler's tables and aligns them on
// one set of bucket times: its lag samples (lag, rates from offset deltas, members) and the broker
// metric samples of its topics' reads and of the brokers leading its partitions.
import type { PrismaClient } from "@streambed/db";
import type { BrokerSignals, GroupSignals } from "./lag-diagnosis.js";
import { brokerSeries, bucketTimes, type NamedSeries } from "./series.js";
import type { Series } from "./signal-movement.js";

export interface GroupSignalsQuery {
  clusterId: string;
  groupId: string;
  topics: readonly string[];
  /** The brokers leading the group's partitions. */
  leaderIds: readonly number[];
  from: Date;
  to: Date;
  bucketMs: number;
}

/** The object-store operation label of reads; the broker's exposition writes it in lower case. */
const GET_OPERATIONS = ["get", "GET"];

/** The named series (already on bucket times) added up per bucket, aligned to `times`. */
function summed(times: readonly number[], series: readonly NamedSeries[]): Series {
  const sums = new Map<number, number>();
  for (const entry of series)
    for (const point of entry.points) sums.set(point.at, (sums.get(point.at) ?? 0) + point.value);
  return times.map((time) => sums.get(time) ?? null);
}

interface LagBucketRow {
  bucket: bigint;
  lag: number;
  lagMs: number | null;
  members: number;
  consumeRate: number | null;
  produceRate: number | null;
}

/**
 * The group's lag samples per bucket, in the database so that a week stays one row a bucket: the
 * newest lag, lag in time and member count of each bucket, and the mean per-second change of the
 * summed committed and end offsets between consecutive samples (the one before the window gives the
 * first bucket its rate). Offsets that went back (a reset, a recreated topic) give no rate.
 */
function lagBuckets(db: PrismaClient, query: GroupSignalsQuery): Promise<LagBucketRow[]> {
  return db.$queryRaw<LagBucketRow[]>`
    WITH samples AS (
      SELECT at, lag, lag_ms, members, committed_offset, end_offset,
             lag(at) OVER ordered AS previous_at,
             lag(committed_offset) OVER ordered AS previous_committed,
             lag(end_offset) OVER ordered AS previous_end
      FROM group_lag_samples
      WHERE cluster_id = ${query.clusterId}::uuid AND group_id = ${query.groupId} AND at <= ${query.to}
        AND at >= coalesce(
          (SELECT max(at) FROM group_lag_samples
           WHERE cluster_id = ${query.clusterId}::uuid AND group_id = ${query.groupId} AND at < ${query.from}),
          ${query.from})
      WINDOW ordered AS (ORDER BY at)
    ), rates AS (
      SELECT *, extract(epoch FROM at - previous_at)::float8 AS seconds FROM samples
    )
    SELECT floor(extract(epoch FROM at) * 1000 / ${query.bucketMs})::bigint AS bucket,
           ((array_agg(lag ORDER BY at DESC))[1])::float8 AS lag,
           ((array_agg(lag_ms ORDER BY at DESC) FILTER (WHERE lag_ms IS NOT NULL))[1])::float8 AS "lagMs",
           (array_agg(members ORDER BY at DESC))[1] AS members,
           avg((committed_offset - previous_committed)::float8 / seconds)
             FILTER (WHERE seconds > 0 AND committed_offset >= previous_committed) AS "consumeRate",
           avg((end_offset - previous_end)::float8 / seconds)
             FILTER (WHERE seconds > 0 AND end_offset >= previous_end) AS "produceRate"
    FROM rates
    WHERE at >= ${query.from}
    GROUP BY bucket`;
}

/** The group's signals over [from, to], aligned on bucket times. */
export async function readGroupSignals(db: PrismaClient, query: GroupSignalsQuery): Promise<GroupSignals> {
  const times = bucketTimes(query.from, query.to, query.bucketMs);
  const range = { from: query.from, to: query.to, bucketMs: query.bucketMs };
  const leaders = { ...range, brokerIds: query.leaderIds };
  const readSeries = query.topics.flatMap((topic) => [`${topic}|tail`, `${topic}|catch_up`]);
  const [lagRows, requestP99, errors, getP99, getErrors, catchUpWait, reads] = await Promise.all([
    lagBuckets(db, query),
    brokerSeries(db, query.clusterId, "request_p99_ms", { ...leaders, series: ["Fetch", "Produce"] }),
    brokerSeries(db, query.clusterId, "errors_per_s", leaders),
    brokerSeries(db, query.clusterId, "object_store_p99_ms", { ...leaders, series: GET_OPERATIONS }),
    brokerSeries(db, query.clusterId, "object_store_errors", {
      ...leaders,
      series: GET_OPERATIONS,
      perSecond: true,
    }),
    brokerSeries(db, query.clusterId, "catch_up_wait_p99_ms", leaders),
    brokerSeries(db, query.clusterId, "topic_read_bytes_per_s", {
      ...range,
      series: readSeries,
      combineBrokers: "sum",
    }),
  ]);
  const lagOf = new Map(lagRows.map((row) => [Number(row.bucket) * query.bucketMs, row]));
  const lagSeries = (pick: (row: LagBucketRow) => number | null): Series =>
    times.map((time) => {
      const row = lagOf.get(time);
      return row === undefined ? null : pick(row);
    });

  // One broker's series of a metric, its series values (APIs, operations) added up per bucket.
  const ofBroker = (series: readonly NamedSeries[], brokerId: number, only?: string): Series =>
    summed(
      times,
      series.filter((entry) => entry.brokerId === brokerId && (only === undefined || entry.series === only)),
    );
  const brokers: BrokerSignals[] = [...query.leaderIds]
    .sort((a, b) => a - b)
    .map((brokerId) => ({
      brokerId,
      fetchP99Ms: ofBroker(requestP99, brokerId, "Fetch"),
      produceP99Ms: ofBroker(requestP99, brokerId, "Produce"),
      requestErrorsPerSecond: ofBroker(errors, brokerId),
      objectStoreGetP99Ms: ofBroker(getP99, brokerId),
      objectStoreGetErrorsPerSecond: ofBroker(getErrors, brokerId),
      catchUpWaitP99Ms: ofBroker(catchUpWait, brokerId),
    }));

  return {
    times,
    lagRecords: lagSeries((row) => row.lag),
    lagMs: lagSeries((row) => row.lagMs),
    members: lagSeries((row) => row.members),
    consumeRecordsPerSecond: lagSeries((row) => row.consumeRate),
    produceRecordsPerSecond: lagSeries((row) => row.produceRate),
    // Read bytes: the topics' per-second figures, summed over brokers already, add up.
    tailReadBytesPerSecond: summed(
      times,
      reads.filter((entry) => entry.series.endsWith("|tail")),
    ),
    catchUpReadBytesPerSecond: summed(
      times,
      reads.filter((entry) => entry.series.endsWith("|catch_up")),
    ),
    brokers,
  };
}
