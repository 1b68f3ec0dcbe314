// The ownership router: teams and their people, and per topic the owning team, the schema and
// retention owners, and the documented producers and consumers with the engine each runs on.
// Consumer groups the brokers see that no documented consumer names are listed as undocumented.
import type { PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { loadClusterState } from "../governance/cluster-state.js";
import {
  clusterOperatorProcedure,
  clusterProcedure,
  createTRPCRouter,
  operatorProcedure,
  viewerProcedure,
} from "../trpc.js";
import { rethrowNotFound, topicName } from "./topics.js";

export const engines = ["flink", "spark", "kafka-streams", "kafka-connect", "service"] as const;

const teamInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "a team name is required")
    .max(64, "at most 64 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "letters, digits, spaces, '.', '_' and '-'"),
  description: z.string().trim().max(500).optional(),
  contact: z.string().trim().max(200).optional(),
});

const applicationName = z
  .string()
  .trim()
  .min(1, "the application's name is required")
  .max(128, "at most 128 characters");

/** Replay windows: at least a minute, at most ten years, in milliseconds. */
export const replayWindowMs = z
  .number()
  .int("whole milliseconds")
  .min(60_000, "at least one minute")
  .max(10 * 365 * 86_400_000, "at most ten years");

export const declareClientInput = z
  .object({
    topic: topicName,
    role: z.enum(["producer", "consumer"]),
    name: applicationName,
    teamId: z.uuid("not a team id").nullish(),
    engine: z.enum(engines),
    consumerGroup: z.string().trim().min(1).max(255, "group ids are at most 255 characters").nullish(),
    replayWindowMs: replayWindowMs.nullish(),
  })
  .refine((client) => client.role === "consumer" || (!client.consumerGroup && !client.replayWindowMs), {
    message: "only consumers have a consumer group and a replay window",
    path: ["role"],
  });

function conflict(error: unknown, message: string): never {
  if ((error as { code?: string }).code === "P2002") throw new TRPCError({ code: "CONFLICT", message });
  throw error;
}

async function requireTeam(db: Pick<PrismaClient, "team">, id: string | null | undefined, what: string) {
  if (!id) return null;
  const team = await db.team.findUnique({ where: { id } });
  if (!team) throw new TRPCError({ code: "BAD_REQUEST", message: `the ${what} team does not exist` });
  return team;
}

export const ownershipRouter = createTRPCRouter({
  teams: viewerProcedure.query(({ ctx }) =>
    ctx.db.team.findMany({
      orderBy: { name: "asc" },
      include: {
        people: { orderBy: { name: "asc" } },
        _count: { select: { ownedTopics: true, clients: true } },
      },
    }),
  ),

  createTeam: operatorProcedure.input(teamInput).mutation(async ({ ctx, input }) =>
    ctx.db
      .$transaction(async (tx) => {
        const team = await tx.team.create({
          data: { name: input.name, description: input.description || null, contact: input.contact || null },
        });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "team.create",
          target: `team:${team.name}`,
          after: input,
        });
        return team;
      })
      .catch((error) => conflict(error, `a team named ${input.name} already exists`)),
  ),

  removeTeam: operatorProcedure
    .input(z.object({ id: z.uuid("not a team id") }))
    .mutation(async ({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const team = await tx.team.findUnique({
          where: { id: input.id },
          include: { _count: { select: { ownedTopics: true } } },
        });
        if (!team) throw new TRPCError({ code: "NOT_FOUND", message: "no such team" });
        if (team._count.ownedTopics > 0)
          throw new TRPCError({
            code: "PRECONDITION_FAILED",
            message: `${team.name} owns ${team._count.ownedTopics} topic(s): hand them to another team first`,
          });
        await tx.team.delete({ where: { id: input.id } });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "team.remove",
          target: `team:${team.name}`,
          before: team,
        });
        return { id: input.id };
      }),
    ),

  addPerson: operatorProcedure
    .input(
      z.object({
        teamId: z.uuid("not a team id"),
        name: z.string().trim().min(1, "a name is required").max(128),
        email: z.email("an e-mail address"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const team = await requireTeam(ctx.db, input.teamId, "person's");
      return ctx.db
        .$transaction(async (tx) => {
          const person = await tx.person.create({ data: input });
          await recordAudit(tx, {
            actor: ctx.actor,
            action: "team.person.add",
            target: `team:${team?.name}`,
            after: { name: input.name, email: input.email },
          });
          return person;
        })
        .catch((error) => conflict(error, `${input.email} is already in a team`));
    }),

  removePerson: operatorProcedure
    .input(z.object({ id: z.uuid("not a person id") }))
    .mutation(async ({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const person = await tx.person.findUnique({ where: { id: input.id }, include: { team: true } });
        if (!person) throw new TRPCError({ code: "NOT_FOUND", message: "no such person" });
        await tx.person.delete({ where: { id: input.id } });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "team.person.remove",
          target: `team:${person.team.name}`,
          before: { name: person.name, email: person.email },
        });
        return { id: input.id };
      }),
    ),

  /** Every live topic with its owners and documented clients, and the undocumented groups. */
  report: clusterProcedure.query(async ({ ctx }) => {
    const state = await loadClusterState(ctx.db, ctx.cluster.id, ctx.kafka);
    const ownerOf = new Map(state.ownerships.map((ownership) => [ownership.topic, ownership]));
    const team = (value: { id: string; name: string } | null) =>
      value ? { id: value.id, name: value.name } : null;
    const topics = state.topics
      .filter((topic) => !topic.internal)
      .map((topic) => {
        const ownership = ownerOf.get(topic.name);
        const clients = state.clients.filter((client) => client.topic === topic.name);
        return {
          topic: topic.name,
          owner: team(ownership?.ownerTeam ?? null),
          schemaOwner: team(ownership?.schemaOwnerTeam ?? null),
          retentionOwner: team(ownership?.retentionOwnerTeam ?? null),
          description: ownership?.description ?? null,
          clients: clients.map((client) => ({
            id: client.id,
            role: client.role as "producer" | "consumer",
            name: client.name,
            team: team(client.team),
            engine: client.engine,
            consumerGroup: client.consumerGroup,
            replayWindowMs: client.replayWindowMs === null ? null : Number(client.replayWindowMs),
          })),
        };
      });
    const undocumented = state.findings
      .filter((finding) => finding.kind === "undocumented-group")
      .map((finding) => {
        const group = state.groups.find((candidate) => candidate.groupId === finding.subject);
        return {
          groupId: finding.subject,
          state: group?.state ?? "Unknown",
          members: group?.members ?? 0,
          topics: [...new Set(group?.partitions.map((partition) => partition.topic) ?? [])],
        };
      });
    return { topics, undocumented };
  }),

  setOwners: clusterOperatorProcedure
    .input(
      z.object({
        topic: topicName,
        ownerTeamId: z.uuid("choose the owning team"),
        schemaOwnerTeamId: z.uuid("not a team id").nullish(),
        retentionOwnerTeamId: z.uuid("not a team id").nullish(),
        description: z.string().trim().max(1000).nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.kafka.topic(input.topic).catch(rethrowNotFound);
      const owner = await requireTeam(ctx.db, input.ownerTeamId, "owning");
      await requireTeam(ctx.db, input.schemaOwnerTeamId, "schema owner's");
      await requireTeam(ctx.db, input.retentionOwnerTeamId, "retention owner's");
      const key = { clusterId_topic: { clusterId: ctx.cluster.id, topic: input.topic } };
      const data = {
        ownerTeamId: input.ownerTeamId,
        schemaOwnerTeamId: input.schemaOwnerTeamId ?? null,
        retentionOwnerTeamId: input.retentionOwnerTeamId ?? null,
        description: input.description ?? null,
      };
      return ctx.db.$transaction(async (tx) => {
        const before = await tx.topicOwnership.findUnique({ where: key });
        await tx.topicOwnership.upsert({
          where: key,
          create: { clusterId: ctx.cluster.id, topic: input.topic, ...data },
          update: data,
        });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "topic.owners.set",
          clusterId: ctx.cluster.id,
          target: `topic:${input.topic}`,
          before: before
            ? {
                ownerTeamId: before.ownerTeamId,
                schemaOwnerTeamId: before.schemaOwnerTeamId,
                retentionOwnerTeamId: before.retentionOwnerTeamId,
                description: before.description,
              }
            : null,
          after: { ...data, owner: owner?.name },
        });
        return { topic: input.topic };
      });
    }),

  declareClient: clusterOperatorProcedure.input(declareClientInput).mutation(async ({ ctx, input }) => {
    await requireTeam(ctx.db, input.teamId, "client's");
    const data = {
      teamId: input.teamId ?? null,
      engine: input.engine,
      consumerGroup: input.role === "consumer" ? (input.consumerGroup ?? null) : null,
      replayWindowMs: input.role === "consumer" && input.replayWindowMs ? BigInt(input.replayWindowMs) : null,
    };
    const key = {
      clusterId_topic_role_name: {
        clusterId: ctx.cluster.id,
        topic: input.topic,
        role: input.role,
        name: input.name,
      },
    };
    return ctx.db.$transaction(async (tx) => {
      const before = await tx.topicClient.findUnique({ where: key });
      const client = await tx.topicClient.upsert({
        where: key,
        create: {
          clusterId: ctx.cluster.id,
          topic: input.topic,
          role: input.role,
          name: input.name,
          ...data,
        },
        update: data,
      });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: `topic.${input.role}.declare`,
        clusterId: ctx.cluster.id,
        target: `topic:${input.topic}`,
        before,
        after: { name: input.name, ...data },
      });
      return { id: client.id };
    });
  }),

  removeClient: clusterOperatorProcedure
    .input(z.object({ id: z.uuid("not a client id") }))
    .mutation(async ({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const client = await tx.topicClient.findFirst({ where: { id: input.id, clusterId: ctx.cluster.id } });
        if (!client) throw new TRPCError({ code: "NOT_FOUND", message: "no such producer or consumer" });
        await tx.topicClient.delete({ where: { id: input.id } });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: `topic.${client.role}.remove`,
          clusterId: ctx.cluster.id,
          target: `topic:${client.topic}`,
          before: client,
        });
        return { id: input.id };
      }),
    ),
});
