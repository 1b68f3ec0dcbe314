// One Fetch of one partition from its leader, as a group-less client without a fetch session: the
// request both the message browser and the backfill test send, and the checks on its answer.
import { ApiKey, ErrorCode, errorName, type ResponseOf, ZERO_UUID } from "@streambed/protocol";
import { BrokerRefusedError } from "./admin-client.js";
import { type PartitionLeader, throwPartitionError } from "./partition-leader.js";

/** The oldest version with KIP-74 fetch sizes: a batch larger than `maxBytes` still comes back whole. */
const MINIMUM_FETCH_VERSION = 4;
/** Fetch v13 addresses topics by id, which Metadata reports from v10. */
const LAST_FETCH_VERSION_BY_NAME = 12;
/** Open and aborted transactions are read too: both callers look at what is in the log. */
const READ_UNCOMMITTED = 0;

export interface PartitionFetch {
  topic: string;
  partition: number;
  offset: bigint;
  maxBytes: number;
  /** How long the leader may wait for a first record; 0 answers at once with whatever there is. */
  maxWaitMs: number;
}

export type FetchedPartitionData = ResponseOf<typeof ApiKey.Fetch>["responses"][number]["partitions"][number];

/**
 * Fetches `maxBytes` of record batches from `offset`. OFFSET_OUT_OF_RANGE comes back in `errorCode` for
 * the caller to handle; any other partition error is thrown (a moved leader as `StaleLeaderError`).
 */
export async function fetchPartition(
  leader: PartitionLeader,
  request: PartitionFetch,
): Promise<FetchedPartitionData> {
  const { connection, topicId } = leader;
  const { topic, partition, offset, maxBytes, maxWaitMs } = request;
  let version = connection.version(ApiKey.Fetch, MINIMUM_FETCH_VERSION);
  if (topicId === ZERO_UUID) version = Math.min(version, LAST_FETCH_VERSION_BY_NAME);
  const response = await connection.request(ApiKey.Fetch, version, {
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs,
    minBytes: maxWaitMs > 0 ? 1 : 0,
    maxBytes,
    isolationLevel: READ_UNCOMMITTED,
    // No fetch session: session id 0 with epoch -1 asks for a one-off full fetch.
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: maxBytes,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  if (response.errorCode !== ErrorCode.NONE) {
    throw new BrokerRefusedError(errorName(response.errorCode), `Fetch of ${topic}-${partition} failed`);
  }
  const data = response.responses[0]?.partitions.find((candidate) => candidate.partitionIndex === partition);
  if (!data) {
    throw new BrokerRefusedError("MISSING_PARTITION", `Fetch did not answer for ${topic}-${partition}`);
  }
  if (data.errorCode !== ErrorCode.OFFSET_OUT_OF_RANGE) {
    throwPartitionError(data.errorCode, "Fetch", topic, partition);
  }
  return data;
}
