// What the schema pages show, put together from the cluster's registry, its topics (Kafka), the
// schema ids seen in its records and the console's ownership data: the subject list, one subject
// with its versions, and the subjects of one topic (from a sample of its newest records).
import type { PrismaClient } from "@streambed/db";
import type { CompatibilityLevel, SchemaReference, SchemaType } from "@streambed/schemas";
import type { KafkaAdminClient } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import type { ClusterSchemaRegistry } from "./cluster-registries.js";
import { REGISTRY_ERRORS, SchemaRegistryError } from "./registry-client.js";
import { linkSubjects, type SubjectTopicLink, type TopicField } from "./subject-links.js";

export interface SchemaViewContext {
  db: PrismaClient;
  clusterId: string;
  kafka: KafkaAdminClient;
  reader: PartitionReader;
  registry: ClusterSchemaRegistry;
}

export interface Compatibility {
  level: CompatibilityLevel;
  /** "subject": set on the subject; "global": the registry's default, which the subject follows. */
  source: "subject" | "global";
}

export interface LinkedTopic {
  topic: string;
  field: TopicField | null;
  via: SubjectTopicLink["via"];
}

export interface Team {
  id: string;
  name: string;
}

export interface SubjectSummary {
  subject: string;
  latestVersion: number;
  schemaId: number;
  schemaType: SchemaType;
  compatibility: Compatibility;
  topics: LinkedTopic[];
  /** The schema owners of the linked topics (topic ownership), without repeats. */
  schemaOwners: Team[];
}

export interface SchemaVersionView {
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
  /** The schema laid out for reading and diffing: JSON indented by two spaces, Protobuf as registered. */
  pretty: string;
  references: SchemaReference[];
  /** Soft-deleted: still readable (records written with it decode), no longer a version to build on. */
  deleted: boolean;
}

/** Subjects' registry calls run this many at a time, so a large registry is not asked all at once. */
const CONCURRENCY = 8;
/** The topic page samples this many newest records of each of its first partitions. */
const SAMPLE_PARTITIONS = 8;
const SAMPLE_RECORDS = 20;

export async function listSubjects(
  context: SchemaViewContext,
): Promise<{ globalCompatibility: CompatibilityLevel; subjects: SubjectSummary[] }> {
  const { client } = context.registry;
  const [subjects, globalCompatibility, topics] = await Promise.all([
    client.subjects(),
    client.globalCompatibility(),
    topicNames(context.kafka),
  ]);
  const described = await mapConcurrently(subjects, async (subject) => {
    try {
      const [latest, level] = await Promise.all([
        client.version(subject, "latest"),
        client.subjectCompatibility(subject),
      ]);
      return { subject, latest, level };
    } catch (error) {
      // Deleted between the listing and now: no longer a subject to show.
      if (error instanceof SchemaRegistryError && error.errorCode === REGISTRY_ERRORS.subjectNotFound)
        return null;
      throw error;
    }
  });
  const links = linkSubjects(subjects, topics, await seenSubjects(context));
  const owners = await schemaOwners(context, links);
  return {
    globalCompatibility,
    subjects: described.flatMap((entry) => {
      if (!entry) return [];
      const subjectLinks = links.filter((link) => link.subject === entry.subject);
      return [
        {
          subject: entry.subject,
          latestVersion: entry.latest.version,
          schemaId: entry.latest.id,
          schemaType: entry.latest.schemaType,
          compatibility: compatibility(entry.level, globalCompatibility),
          topics: subjectLinks.map(linkedTopic),
          schemaOwners: ownersOf(subjectLinks, owners),
        },
      ];
    }),
  };
}

export async function subjectDetail(context: SchemaViewContext, subject: string) {
  const { client, sightings } = context.registry;
  const [live, all, level, globalCompatibility, topics] = await Promise.all([
    client.versions(subject).catch(emptyWhenNotFound),
    client.versions(subject, { deleted: true }).catch(emptyWhenNotFound),
    client.subjectCompatibility(subject),
    client.globalCompatibility(),
    topicNames(context.kafka),
  ]);
  const liveVersions = new Set(live);
  const versions: SchemaVersionView[] = await mapConcurrently(
    [...new Set([...all, ...live])].sort((a, b) => a - b),
    async (version) => {
      const found = await client.version(subject, version, { deleted: true });
      return {
        version: found.version,
        id: found.id,
        schemaType: found.schemaType,
        schema: found.schema,
        pretty: prettySchema(found.schemaType, found.schema),
        references: found.references,
        deleted: !liveVersions.has(version),
      };
    },
  );
  const ids = new Set(versions.map((version) => version.id));
  const seen = new Map([...sightings.topicsWith(ids).keys()].map((topic) => [topic, [subject]]));
  const links = linkSubjects([subject], topics, seen);
  const owners = await schemaOwners(context, links);
  return {
    subject,
    exists: live.length > 0,
    versions,
    compatibility: compatibility(level, globalCompatibility),
    globalCompatibility,
    topics: links.map(linkedTopic),
    schemaOwners: ownersOf(links, owners),
  };
}

/**
 * The subjects of one topic: those named after it, and those whose ids its newest records carry
 * (the first partitions' newest records are read now; what the message browser saw counts too).
 */
export async function subjectsOfTopic(context: SchemaViewContext, topic: string) {
  const { client, schemas, sightings } = context.registry;
  const detail = await context.kafka.topic(topic);
  const sampled = detail.partitions
    .filter((partition) => BigInt(partition.records) > 0n)
    .slice(0, SAMPLE_PARTITIONS);
  const reads = await Promise.allSettled(
    sampled.map((partition) =>
      context.reader.read({
        topic,
        partition: partition.partition,
        from: { latest: SAMPLE_RECORDS },
        maxMessages: SAMPLE_RECORDS,
      }),
    ),
  );
  let sampledRecords = 0;
  for (const read of reads) {
    if (read.status !== "fulfilled") continue;
    sampledRecords += read.value.messages.length;
    for (const message of read.value.messages)
      for (const payload of [message.key, message.value])
        if (payload?.schemaId !== undefined) sightings.record(topic, payload.schemaId);
  }
  const ids = sightings.idsIn(topic);
  const subjectsOfIds = await Promise.all(
    ids.map(async (id) => ({ id, subjects: await schemas.subjectsOf(id).catch(() => []) })),
  );
  const seenSubjects = [...new Set(subjectsOfIds.flatMap((entry) => entry.subjects.map((s) => s.subject)))];
  const subjects = await client.subjects();
  const links = linkSubjects(subjects, new Set([topic]), new Map([[topic, seenSubjects]]));
  return {
    topic,
    subjects: links.map((link) => ({
      subject: link.subject,
      field: link.field,
      via: link.via,
      schemaIds: subjectsOfIds
        .filter((entry) => entry.subjects.some((found) => found.subject === link.subject))
        .map((entry) => entry.id),
    })),
    /** Schema ids seen in the topic's records that no subject names (deleted, or another registry's). */
    unknownSchemaIds: subjectsOfIds.filter((entry) => entry.subjects.length === 0).map((entry) => entry.id),
    sampledPartitions: reads.filter((read) => read.status === "fulfilled").length,
    sampledRecords,
  };
}

/** Avro and JSON Schema texts are JSON: indented, they diff line by line. Protobuf is already laid out. */
export function prettySchema(schemaType: SchemaType, schema: string): string {
  if (schemaType === "PROTOBUF") return schema;
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}

function compatibility(level: CompatibilityLevel | null, global: CompatibilityLevel): Compatibility {
  return level ? { level, source: "subject" } : { level: global, source: "global" };
}

function linkedTopic(link: SubjectTopicLink): LinkedTopic {
  return { topic: link.topic, field: link.field, via: link.via };
}

function emptyWhenNotFound(error: unknown): number[] {
  if (error instanceof SchemaRegistryError && error.errorCode === REGISTRY_ERRORS.subjectNotFound) return [];
  throw error;
}

async function topicNames(kafka: KafkaAdminClient): Promise<Set<string>> {
  const overview = await kafka.overview();
  return new Set(overview.topics.filter((topic) => !topic.internal).map((topic) => topic.name));
}

/** topic → the subjects of the schema ids seen in its records. */
async function seenSubjects(context: SchemaViewContext): Promise<Map<string, string[]>> {
  const { schemas, sightings } = context.registry;
  const seen = new Map<string, string[]>();
  for (const [topic, ids] of sightings.all()) {
    const found = await Promise.all(ids.map((id) => schemas.subjectsOf(id).catch(() => [])));
    seen.set(topic, [...new Set(found.flat().map((entry) => entry.subject))]);
  }
  return seen;
}

async function schemaOwners(
  context: SchemaViewContext,
  links: readonly SubjectTopicLink[],
): Promise<Map<string, Team>> {
  if (links.length === 0) return new Map();
  const rows = await context.db.topicOwnership.findMany({
    where: { clusterId: context.clusterId, topic: { in: [...new Set(links.map((link) => link.topic))] } },
    include: { schemaOwnerTeam: true },
  });
  return new Map(
    rows.flatMap((row) =>
      row.schemaOwnerTeam
        ? [[row.topic, { id: row.schemaOwnerTeam.id, name: row.schemaOwnerTeam.name }]]
        : [],
    ),
  );
}

function ownersOf(links: readonly SubjectTopicLink[], owners: ReadonlyMap<string, Team>): Team[] {
  const teams = new Map<string, Team>();
  for (const link of links) {
    const owner = owners.get(link.topic);
    if (owner) teams.set(owner.id, owner);
  }
  return [...teams.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as Item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
