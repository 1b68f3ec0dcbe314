// The cost router: price sheets per cloud region (list-price defaults, editable by operators), the
// selected cluster's region and assumptions, the measured-usage estimate priced as Streambed and as
// Kafka with replication factor 3, and what a replay of N days costs.
import type { PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { estimateClusterBackfill, estimateClusterCost } from "../cost/estimate.js";
import {
  assumptionsSchema,
  currency,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_PRICE_SHEETS,
  defaultPriceSheet,
  type Prices,
  pricesSchema,
  provider,
  region,
} from "../cost/price-sheets.js";
import { loadClusterPricing, loadSheet, sheetView } from "../cost/pricing.js";
import {
  clusterOperatorProcedure,
  clusterProcedure,
  createTRPCRouter,
  operatorProcedure,
  viewerProcedure,
} from "../trpc.js";

const sheetKey = z.object({ provider, region });

/** Samples are kept for 7 days by default; a window longer than that cannot be measured. */
const windowMs = z
  .number()
  .int("whole milliseconds")
  .min(5 * 60_000, "at least five minutes")
  .max(7 * 86_400_000, "at most seven days (samples are kept that long)")
  .default(86_400_000);

function sheetTarget(key: { provider: string; region: string }): string {
  return `price-sheet:${key.provider}/${key.region}`;
}

/** Saves a sheet's prices (creating its row if need be) and audits the change. */
async function saveSheet(
  db: PrismaClient,
  actor: string,
  action: string,
  sheet: { provider: string; region: string; currency: string; prices: Prices },
) {
  const before = await loadSheet(db, sheet.provider, sheet.region);
  return db.$transaction(async (transaction) => {
    const saved = await transaction.priceSheet.upsert({
      where: { provider_region: { provider: sheet.provider, region: sheet.region } },
      create: {
        provider: sheet.provider,
        region: sheet.region,
        currency: sheet.currency,
        prices: sheet.prices,
        updatedBy: actor,
      },
      update: { currency: sheet.currency, prices: sheet.prices, updatedBy: actor },
    });
    await recordAudit(transaction, {
      actor,
      action,
      target: sheetTarget(sheet),
      before: { currency: before.currency, prices: before.prices },
      after: { currency: sheet.currency, prices: sheet.prices },
    });
    return sheetView(saved.provider, saved.region, saved);
  });
}

const priceSheetsRouter = createTRPCRouter({
  /** Every region with defaults, and every region someone saved a sheet for. */
  list: viewerProcedure.query(async ({ ctx }) => {
    const stored = await ctx.db.priceSheet.findMany({ orderBy: [{ provider: "asc" }, { region: "asc" }] });
    const storedOf = new Map(stored.map((sheet) => [sheetTarget(sheet), sheet]));
    const regions = [
      ...DEFAULT_PRICE_SHEETS.map((sheet) => ({ provider: sheet.provider as string, region: sheet.region })),
      ...stored.filter((sheet) => !defaultPriceSheet(sheet.provider, sheet.region)),
    ];
    return regions.map((key) => sheetView(key.provider, key.region, storedOf.get(sheetTarget(key)) ?? null));
  }),

  get: viewerProcedure
    .input(sheetKey)
    .query(({ ctx, input }) => loadSheet(ctx.db, input.provider, input.region)),

  upsert: operatorProcedure
    .input(sheetKey.extend({ currency: currency.default("USD"), prices: pricesSchema }))
    .mutation(({ ctx, input }) => saveSheet(ctx.db, ctx.actor, "cost.price-sheet.update", input)),

  resetToDefault: operatorProcedure.input(sheetKey).mutation(({ ctx, input }) => {
    const defaults = defaultPriceSheet(input.provider, input.region);
    if (!defaults)
      throw new TRPCError({
        code: "NOT_FOUND",
        message: `there are no default prices for ${input.provider} ${input.region}: edit its figures instead`,
      });
    return saveSheet(ctx.db, ctx.actor, "cost.price-sheet.reset", defaults);
  }),
});

const settingsRouter = createTRPCRouter({
  get: clusterProcedure.query(async ({ ctx }) => {
    const pricing = await loadClusterPricing(ctx.db, ctx.cluster.id);
    return {
      provider: pricing.sheet.provider,
      region: pricing.sheet.region,
      assumptions: pricing.assumptions,
      defaults: DEFAULT_ASSUMPTIONS,
      updatedBy: pricing.settingsUpdatedBy,
      updatedAt: pricing.settingsUpdatedAt,
    };
  }),

  /** Prices the selected cluster with a region's sheet and these assumptions. */
  update: clusterOperatorProcedure
    .input(sheetKey.extend({ assumptions: assumptionsSchema }))
    .mutation(async ({ ctx, input }) => {
      const before = await loadClusterPricing(ctx.db, ctx.cluster.id);
      const sheet = await loadSheet(ctx.db, input.provider, input.region);
      if (!sheet.id && !sheet.defaults)
        throw new TRPCError({
          code: "NOT_FOUND",
          message: `there is no price sheet for ${input.provider} ${input.region}: save one first`,
        });
      return ctx.db.$transaction(async (transaction) => {
        // A region still on its defaults gets its row now, so that the cluster can point at it.
        const stored =
          sheet.id !== null
            ? { id: sheet.id }
            : await transaction.priceSheet.create({
                data: {
                  provider: sheet.provider,
                  region: sheet.region,
                  currency: sheet.currency,
                  prices: sheet.prices,
                  updatedBy: ctx.actor,
                },
              });
        const data = { priceSheetId: stored.id, assumptions: input.assumptions, updatedBy: ctx.actor };
        await transaction.costSettings.upsert({
          where: { clusterId: ctx.cluster.id },
          create: { clusterId: ctx.cluster.id, ...data },
          update: data,
        });
        await recordAudit(transaction, {
          actor: ctx.actor,
          action: "cost.settings.update",
          clusterId: ctx.cluster.id,
          target: `cluster:${ctx.cluster.name}`,
          before: {
            provider: before.sheet.provider,
            region: before.sheet.region,
            assumptions: before.assumptions,
          },
          after: { provider: input.provider, region: input.region, assumptions: input.assumptions },
        });
        return { provider: input.provider, region: input.region, assumptions: input.assumptions };
      });
    }),
});

export const costRouter = createTRPCRouter({
  priceSheets: priceSheetsRouter,
  settings: settingsRouter,

  /** Measured usage with its coverage, priced both ways, with the assumptions and the totals. */
  estimate: clusterProcedure
    .input(z.object({ windowMs }).prefault({}))
    .query(({ ctx, input }) => estimateClusterCost(ctx.db, ctx.cluster.id, { windowMs: input.windowMs })),

  /** A replay of `days` of data: GET requests, their cost and the time it takes. */
  backfill: clusterProcedure
    .input(
      z.object({
        days: z
          .number({ error: "a number of days" })
          .positive("more than zero days")
          .max(3650, "at most ten years"),
        windowMs,
      }),
    )
    .query(({ ctx, input }) =>
      estimateClusterBackfill(ctx.db, ctx.cluster, { days: input.days, windowMs: input.windowMs }),
    ),
});
