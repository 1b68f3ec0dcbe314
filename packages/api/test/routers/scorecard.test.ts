// The readiness scorecard and its reviews against the real broker and PostgreSQL: Topic ownership
// driven from red to green through the ownership router, Security boundary on the plain test broker
// and on one with SASL and ACLs enforced, and reviews frozen, listed, compared and exported.
import type { Kafka } from "kafkajs";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvidenceLine, ReadinessItem, ReadinessItemKey } from "../../src/readiness/evidence.js";
import {
  type ConsoleTestContext,
  consoleTestContext,
  fieldErrors,
  refusal,
} from "../support/console-context.js";
import { createTopic, kafkaAt, sendMessages } from "../support/kafka.js";
import { type SecuredBroker, startSecuredBroker } from "../support/secured-broker.js";

let context: ConsoleTestContext;
let kafka: Kafka;
const run = Date.now().toString(36);
const topic = `scorecard-${run}`;
const group = `${topic}-reader`;

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = kafkaAt(context.bootstrap);
  await createTopic(kafka, topic, 1);
  await sendMessages(kafka, topic, [{ key: "k", value: "written by someone nobody documented" }]);
  // A reader nobody documented: a group with a committed offset on the topic.
  const offsets = kafka.admin();
  await offsets.connect();
  await offsets.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "1" }] });
  await offsets.disconnect();
});
afterAll(async () => context?.close());

const operator = () => context.caller("olga@example.com", null, "operator");

async function item(key: ReadinessItemKey, clusterId: string | null = null): Promise<ReadinessItem> {
  const scorecard = await context.caller("ada@example.com", clusterId, "viewer").scorecard.get();
  const found = scorecard.items.find((entry) => entry.key === key);
  if (!found) throw new Error(`no ${key} item`);
  return found;
}

function line(found: ReadinessItem, label: string): EvidenceLine | undefined {
  return found.evidence.find((entry) => entry.label === label);
}

async function newTeam(name: string): Promise<string> {
  return (await context.caller().ownership.createTeam({ name: `${name}-${run}` })).id;
}

describe("scorecard router", () => {
  it("gathers the six items in order, and the overall status is the worst of them", async () => {
    const scorecard = await context.caller("ada@example.com", null, "viewer").scorecard.get();
    expect(scorecard.items.map((entry) => entry.key)).toEqual([
      "topic-ownership",
      "offset-migration",
      "backfill-safety",
      "cost-visibility",
      "security-boundary",
      "observability",
    ]);
    for (const entry of scorecard.items) {
      expect(["green", "amber", "red"]).toContain(entry.status);
      expect(entry.fixHref.startsWith("/")).toBe(true);
    }
    const rank = { green: 0, amber: 1, red: 2 } as const;
    expect(rank[scorecard.status]).toBe(Math.max(...scorecard.items.map((entry) => rank[entry.status])));
    expect(scorecard.cluster.name).toBe("test");
    expect(Number.isNaN(Date.parse(scorecard.generatedAt))).toBe(false);
  });

  it("serves the checklist template with every area, answer options and functions", async () => {
    const checklist = await context.caller("ada@example.com", null, "viewer").scorecard.checklist();
    expect(checklist.areas.map((area) => area.key)).toEqual([
      "compatibility",
      "retention-and-replay",
      "cost-model",
      "elasticity",
      "governance",
      "migration-and-rollback",
      "observability",
    ]);
    expect(checklist.answers).toEqual(["yes", "partial", "no", "not-applicable"]);
    const ids = checklist.areas.flatMap((area) => area.questions.map((question) => question.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const area of checklist.areas) expect(area.evidence.length).toBeGreaterThan(0);
  });

  it("Topic ownership is red for a topic with no owner, an undocumented producer and an undocumented group", async () => {
    const ownership = await item("topic-ownership");
    expect(ownership.status).toBe("red");
    const topicLine = line(ownership, topic);
    expect(topicLine?.status).toBe("red");
    expect(topicLine?.value).toBe(
      `no owning team; no retention owner; written to, but no producer is documented; read by consumer group ${group} not documented as its consumer`,
    );
    expect(topicLine?.href).toBe(`/ownership?topic=${topic}`);
    expect(line(ownership, "Undocumented consumer groups")?.status).toBe("red");
    expect(ownership.fixHref).toBe("/ownership");
  });

  it("an owner without a retention owner leaves the topic amber", async () => {
    const team = await newTeam("payments");
    await operator().ownership.setOwners({ topic, ownerTeamId: team });
    await operator().ownership.declareClient({
      topic,
      role: "producer",
      name: "checkout",
      engine: "service",
    });
    await operator().ownership.declareClient({
      topic,
      role: "consumer",
      name: "ledger",
      engine: "flink",
      consumerGroup: group,
    });
    const topicLine = line(await item("topic-ownership"), topic);
    expect(topicLine).toMatchObject({ status: "amber", value: "no retention owner" });
  });

  it("Topic ownership is green for the topic once it has both owners and its writer and reader are documented", async () => {
    const [team] = (await context.caller().ownership.teams()).filter(
      (entry) => entry.name === `payments-${run}`,
    );
    await operator().ownership.setOwners({
      topic,
      ownerTeamId: team?.id ?? "",
      retentionOwnerTeamId: team?.id,
    });
    const ownership = await item("topic-ownership");
    expect(line(ownership, topic)).toBeUndefined();
    expect(line(ownership, "Undocumented consumer groups")?.value ?? "").not.toContain(group);
  });

  it("Topic ownership is green once every topic and group on the cluster is documented", async () => {
    // Other test files' topics and groups share this broker: document them all.
    const team = await newTeam("everything");
    const report = await context.caller().ownership.report();
    for (const entry of report.topics) {
      if (!entry.owner || !entry.retentionOwner)
        await operator().ownership.setOwners({
          topic: entry.topic,
          ownerTeamId: team,
          retentionOwnerTeamId: team,
        });
      if (!entry.clients.some((client) => client.role === "producer"))
        await operator().ownership.declareClient({
          topic: entry.topic,
          role: "producer",
          name: "writer",
          engine: "service",
        });
    }
    const groups = await context.connections
      .get(await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } }))
      .admin.groups();
    for (const entry of groups)
      for (const read of new Set(entry.partitions.map((partition) => partition.topic)))
        await operator().ownership.declareClient({
          topic: read,
          role: "consumer",
          name: `reader ${entry.groupId}`.slice(0, 128),
          engine: "service",
          consumerGroup: entry.groupId,
        });
    for (const entry of groups.filter((candidate) => candidate.partitions.length === 0))
      await operator().ownership.declareClient({
        topic,
        role: "consumer",
        name: `idle ${entry.groupId}`.slice(0, 128),
        engine: "service",
        consumerGroup: entry.groupId,
      });
    const ownership = await item("topic-ownership");
    expect(ownership.evidence.filter((entry) => entry.status && entry.status !== "green")).toEqual([]);
    expect(ownership.status).toBe("green");
    expect(ownership.summary).toMatch(/^All \d+ topics have an owning team and a retention owner/);
  });

  it("Security boundary is red on the test broker, which runs without SASL or ACLs, and says why", async () => {
    const boundary = await item("security-boundary");
    expect(boundary.status).toBe("red");
    expect(line(boundary, "Authentication")).toMatchObject({ status: "red" });
    expect(line(boundary, "Authentication")?.value).toContain("not required");
    expect(line(boundary, "ACLs")).toMatchObject({
      status: "red",
      value: "not enforced: every client may do everything",
    });
    expect(line(boundary, "Wildcard access")?.status).toBe("red");
    // Loopback only: nothing external to encrypt; the embedded store says where data lives.
    expect(line(boundary, "TLS on external listeners")?.status).toBe("green");
    expect(line(boundary, "Data residency")?.status).toBe("green");
    expect(line(boundary, "Data residency")?.value).toContain("embedded object store");
    expect(boundary.summary).toContain("authentication is not required");
    expect(boundary.summary).toContain("ACLs are not enforced");
    expect(boundary.fixHref).toBe("/iam/boundary");
  });

  it("Security boundary says data residency is not recorded when the brokers' endpoint is not registered", async () => {
    const cluster = await context.caller().clusters.create({
      name: `no-endpoint-${run}`,
      environment: "development",
      bootstrap: context.bootstrap,
      tls: false,
    });
    const boundary = await item("security-boundary", cluster.id);
    expect(line(boundary, "Data residency")).toMatchObject({ status: "amber" });
    expect(line(boundary, "Data residency")?.value).toContain("data residency not recorded");
    expect(line(boundary, "Brokers' security summary")?.status).toBe("amber");
  });

  describe("on a broker with SASL and ACLs enforced", () => {
    let secured: SecuredBroker;
    let clusterId = "";

    beforeAll(async () => {
      secured = await startSecuredBroker("scorecard");
      process.env.SCORECARD_TEST_KAFKA_PASSWORD = secured.adminPassword;
      clusterId = (
        await context.caller().clusters.create({
          name: `secured-${run}`,
          environment: "production",
          bootstrap: secured.bootstrap,
          saslMechanism: "SCRAM-SHA-512",
          saslUsername: "admin",
          saslPasswordEnv: "SCORECARD_TEST_KAFKA_PASSWORD",
          httpEndpoint: secured.httpEndpoint,
          tls: false,
        })
      ).id;
      // A topic, so that "topics anyone can read" has something to be about.
      await context.caller("admin@example.com", clusterId).topics.create({
        name: `guarded-${run}`,
        partitions: 1,
        retentionMs: 86_400_000,
        cleanupPolicy: "delete",
        ownerTeamId: await newTeam("guards"),
      });
    });
    afterAll(async () => secured?.stop());

    const wildcard = {
      resourceType: "TOPIC" as const,
      resourceName: "*",
      patternType: "LITERAL" as const,
      principal: "User:*",
      host: "*",
      operation: "READ" as const,
      permission: "ALLOW" as const,
    };

    it("Security boundary is green: authentication and ACLs enforced, no wildcard access, residency known", async () => {
      const boundary = await item("security-boundary", clusterId);
      expect(boundary.evidence.filter((entry) => entry.status && entry.status !== "green")).toEqual([]);
      expect(boundary.status).toBe("green");
      expect(line(boundary, "ACLs")?.value).toBe("enforced (super users: User:admin)");
      expect(line(boundary, "Authentication")?.value).toMatch(/^required on every listener/);
      expect(line(boundary, "Topics anyone can read")?.value).toBe("none of 1");
    });

    it("an ACL that lets everyone read every topic turns it red, and removing it makes it green again", async () => {
      await context.caller("admin@example.com", clusterId).iam.createAcl(wildcard);
      const opened = await item("security-boundary", clusterId);
      expect(opened.status).toBe("red");
      expect(line(opened, "Wildcard access")).toMatchObject({
        status: "red",
        value: "1 ACL: User:* READ on TOPIC:*",
      });
      expect(line(opened, "Topics anyone can read")).toMatchObject({
        status: "red",
        value: `1 of 1: guarded-${run}`,
      });
      expect(opened.summary).toContain("some ACLs grant wildcard access");
      await context.caller("admin@example.com", clusterId).iam.deleteAcl(wildcard);
      expect((await item("security-boundary", clusterId)).status).toBe("green");
    });
  });
});

describe("reviews router", () => {
  const attendees = () => [
    { name: "Ada Lovelace", team: `payments-${run}`, function: "platform" as const },
    { name: "Grace Hopper", team: `everything-${run}`, function: "sre" as const },
  ];
  let first = "";

  it("freezes the scorecard read on the server, not one sent by the browser, and audits it", async () => {
    const sent = {
      title: "First readiness review",
      attendees: attendees(),
      failureModes: [
        {
          team: `payments-${run}`,
          failureMode: "Ledger replays past retention",
          mitigation: "Window declared",
        },
      ],
      checklist: [
        { questionId: "compatibility.client-versions", answer: "partial" as const, notes: "Flink only" },
      ],
      decisions: [{ decision: "Enable SASL before cut-over", owner: "Grace Hopper", due: "2026-12-15" }],
      scorecard: { items: [], status: "green", generatedAt: "2000-01-01T00:00:00.000Z" },
    };
    const created = await operator().reviews.create(
      sent as Parameters<ReturnType<typeof operator>["reviews"]["create"]>[0],
    );
    first = created.id;
    const review = await context.caller("ada@example.com", null, "viewer").reviews.get({ id: first });
    expect(review.scorecard.items).toHaveLength(6);
    expect(review.scorecard.generatedAt).not.toBe("2000-01-01T00:00:00.000Z");
    expect(review.scorecard.status).toBe(created.status);
    expect(review.scorecard.items.find((entry) => entry.key === "topic-ownership")?.status).toBe("green");
    expect(review.attendees).toEqual(attendees());
    expect(review.checklist).toEqual(sent.checklist);
    expect(review.clusterName).toBe("test");
    expect(review.createdBy).toBe("olga@example.com");
    const events = await context.caller().audit.list({ target: `review:${first}` });
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ["review.create", "olga@example.com"],
    ]);
  });

  it("refuses a review without attendees, with a team the console does not know, or a failure mode of an absent team", async () => {
    const base = { title: "Incomplete", failureModes: [], checklist: [], decisions: [] };
    const empty = await refusal(operator().reviews.create({ ...base, attendees: [] }));
    expect(empty.code).toBe("BAD_REQUEST");
    expect(empty.message).toContain("add at least one attendee");
    const unknownTeam = await refusal(
      operator().reviews.create({ ...base, attendees: [{ name: "Bo", team: "nobody", function: "sre" }] }),
    );
    expect(unknownTeam.code).toBe("BAD_REQUEST");
    expect(unknownTeam.message).toContain("no team is named nobody");
    // Carried as a validation error, so the form shows it under the attendee's team field.
    const fields = await fieldErrors(
      operator().reviews.create({ ...base, attendees: [{ name: "Bo", team: "nobody", function: "sre" }] }),
    );
    expect(Object.keys(fields)).toEqual(["attendees.0.team"]);
    const badFunction = await refusal(
      operator().reviews.create({
        ...base,
        attendees: [{ name: "Bo", team: `payments-${run}`, function: "manager" as "sre" }],
      }),
    );
    expect(badFunction.message).toContain("platform, sre, data-engineering or application");
    const absentTeam = await refusal(
      operator().reviews.create({
        ...base,
        attendees: attendees(),
        failureModes: [{ team: "ledger", failureMode: "x", mitigation: "y" }],
      }),
    );
    expect(absentTeam.message).toContain("no attendee is from ledger");
    const badQuestion = await refusal(
      operator().reviews.create({
        ...base,
        attendees: attendees(),
        checklist: [{ questionId: "compatibility.zookeeper", answer: "yes", notes: "" }],
      }),
    );
    expect(badQuestion.message).toContain("not a question of the checklist");
  });

  it("lets viewers read reviews but not create them", async () => {
    const viewer = context.caller("vera@example.com", null, "viewer");
    const refused = await refusal(
      viewer.reviews.create({
        title: "Mine",
        attendees: attendees(),
        failureModes: [],
        checklist: [],
        decisions: [],
      }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    expect((await viewer.reviews.list()).map((review) => review.id)).toEqual([first]);
    expect((await refusal(viewer.reviews.get({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("lists reviews newest first, and the diff shows what changed on the cluster and in the review", async () => {
    // A new topic nobody owns turns Topic ownership red again before the second review.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${topic}-new`, numPartitions: 1 }] });
    await admin.disconnect();
    const second = await operator().reviews.create({
      title: "Second readiness review",
      attendees: [attendees()[0] ?? { name: "", team: "", function: "platform" }],
      failureModes: [],
      checklist: [{ questionId: "compatibility.client-versions", answer: "yes", notes: "Flink and Spark" }],
      decisions: [{ decision: "Enable SASL before cut-over", owner: "Grace Hopper", due: "2026-12-15" }],
    });
    const list = await context.caller("ada@example.com", null, "viewer").reviews.list();
    expect(list.map((review) => review.title)).toEqual(["Second readiness review", "First readiness review"]);
    expect(list[0]?.items).toHaveLength(6);
    const diff = await context
      .caller("ada@example.com", null, "viewer")
      .reviews.diff({ from: first, to: second.id });
    const ownership = diff.items.find((entry) => entry.key === "topic-ownership");
    expect([ownership?.from, ownership?.to]).toEqual(["green", "red"]);
    expect(ownership?.added.map((entry) => entry.label)).toContain(`${topic}-new`);
    expect(diff.checklist.map((change) => [change.from?.answer, change.to?.answer])).toEqual([
      ["partial", "yes"],
    ]);
    expect(diff.attendees.removed.map((entry) => entry.name)).toEqual(["Grace Hopper"]);
    expect(diff.failureModes.removed).toHaveLength(1);
    expect(diff.decisions).toEqual({ added: [], removed: [] });
  });

  it("exports a review as Markdown and as a PDF file with a safe name", async () => {
    const viewer = context.caller("ada@example.com", null, "viewer");
    const markdown = await viewer.reviews.export({ id: first, format: "markdown" });
    expect(markdown.fileName).toMatch(/^streambed-review-first-readiness-review-\d{4}-\d{2}-\d{2}\.md$/);
    expect(markdown.contentType).toBe("text/markdown; charset=utf-8");
    expect(markdown.body).toContain("# First readiness review");
    expect(markdown.body).toContain(`| Ada Lovelace | payments-${run} | Platform |`);
    const pdf = await viewer.reviews.export({ id: first, format: "pdf" });
    expect(pdf.fileName.endsWith(".pdf")).toBe(true);
    const bytes = Buffer.from(pdf.body, "base64");
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect((await PDFDocument.load(bytes)).getTitle()).toBe("First readiness review");
  });
});
