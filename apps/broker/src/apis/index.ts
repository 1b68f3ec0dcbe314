// Every Kafka API this broker serves, with the versions advertised in ApiVersions.

import { alterConfigsApi } from "./alter-configs.js";
import { alterPartitionReassignmentsApi } from "./alter-partition-reassignments.js";
import { alterUserScramCredentialsApi } from "./alter-user-scram-credentials.js";
import { apiVersionsApi } from "./api-versions.js";
import { createAclsApi } from "./create-acls.js";
import { createPartitionsApi } from "./create-partitions.js";
import { createTopicsApi } from "./create-topics.js";
import { deleteAclsApi } from "./delete-acls.js";
import { deleteGroupsApi } from "./delete-groups.js";
import { deleteRecordsApi } from "./delete-records.js";
import { deleteTopicsApi } from "./delete-topics.js";
import { describeAclsApi } from "./describe-acls.js";
import { describeClusterApi } from "./describe-cluster.js";
import { describeConfigsApi } from "./describe-configs.js";
import { describeGroupsApi } from "./describe-groups.js";
import { describeLogDirsApi } from "./describe-log-dirs.js";
import { describeUserScramCredentialsApi } from "./describe-user-scram-credentials.js";
import { fetchApi } from "./fetch.js";
import { findCoordinatorApi } from "./find-coordinator.js";
import type { ApiRegistration } from "./handler.js";
import { heartbeatApi } from "./heartbeat.js";
import { incrementalAlterConfigsApi } from "./incremental-alter-configs.js";
import { initProducerIdApi } from "./init-producer-id.js";
import { joinGroupApi } from "./join-group.js";
import { leaveGroupApi } from "./leave-group.js";
import { listGroupsApi } from "./list-groups.js";
import { listOffsetsApi } from "./list-offsets.js";
import { listPartitionReassignmentsApi } from "./list-partition-reassignments.js";
import { metadataApi } from "./metadata.js";
import { offsetCommitApi } from "./offset-commit.js";
import { offsetDeleteApi } from "./offset-delete.js";
import { offsetFetchApi } from "./offset-fetch.js";
import { produceApi } from "./produce.js";
import { saslAuthenticateApi } from "./sasl-authenticate.js";
import { saslHandshakeApi } from "./sasl-handshake.js";
import { syncGroupApi } from "./sync-group.js";

export const apiRegistrations: readonly ApiRegistration[] = [
  produceApi,
  alterPartitionReassignmentsApi,
  listPartitionReassignmentsApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  apiVersionsApi,
  createTopicsApi,
  deleteTopicsApi,
  deleteRecordsApi,
  initProducerIdApi,
  describeConfigsApi,
  alterConfigsApi,
  deleteGroupsApi,
  createPartitionsApi,
  describeLogDirsApi,
  incrementalAlterConfigsApi,
  offsetDeleteApi,
  describeClusterApi,
  describeAclsApi,
  createAclsApi,
  deleteAclsApi,
  saslHandshakeApi,
  saslAuthenticateApi,
  describeUserScramCredentialsApi,
  alterUserScramCredentialsApi,
] as ApiRegistration[];
