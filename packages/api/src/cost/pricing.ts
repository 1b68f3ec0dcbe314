// How a cluster is priced as stored: its cost settings (region and assumptions) and that region's
// price sheet, falling back to the defaults wherever nothing has been saved yet.
import type { PrismaClient } from "@streambed/db";
import {
  type Assumptions,
  DEFAULT_REGION,
  defaultPriceSheet,
  type Prices,
  storedAssumptions,
  storedPrices,
} from "./price-sheets.js";

export interface SheetView {
  /** Null until the sheet is saved: it is then exactly the defaults. */
  id: string | null;
  provider: string;
  region: string;
  /** A place name for pickers, when the region has defaults. */
  location: string | null;
  currency: string;
  prices: Prices;
  /** The region's defaults, to show what was changed; null for a region without defaults. */
  defaults: Prices | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface ClusterPricing {
  sheet: SheetView;
  assumptions: Assumptions;
  settingsUpdatedBy: string | null;
  settingsUpdatedAt: Date | null;
}

interface StoredSheet {
  id: string;
  provider: string;
  region: string;
  currency: string;
  prices: unknown;
  updatedBy: string;
  updatedAt: Date;
}

/** A stored sheet, or a region's defaults when none is stored. */
export function sheetView(provider: string, region: string, stored: StoredSheet | null): SheetView {
  const defaults = defaultPriceSheet(provider, region);
  return {
    id: stored?.id ?? null,
    provider,
    region,
    location: defaults?.location ?? null,
    currency: stored?.currency ?? defaults?.currency ?? "USD",
    prices: storedPrices(provider, region, stored?.prices),
    defaults: defaults?.prices ?? null,
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

export async function loadSheet(db: PrismaClient, provider: string, region: string): Promise<SheetView> {
  const stored = await db.priceSheet.findUnique({ where: { provider_region: { provider, region } } });
  return sheetView(provider, region, stored);
}

export async function loadClusterPricing(db: PrismaClient, clusterId: string): Promise<ClusterPricing> {
  const settings = await db.costSettings.findUnique({ where: { clusterId }, include: { priceSheet: true } });
  const stored = settings?.priceSheet ?? null;
  const sheet = stored
    ? sheetView(stored.provider, stored.region, stored)
    : await loadSheet(db, DEFAULT_REGION.provider, DEFAULT_REGION.region);
  return {
    sheet,
    assumptions: storedAssumptions(settings?.assumptions),
    settingsUpdatedBy: settings?.updatedBy ?? null,
    settingsUpdatedAt: settings?.updatedAt ?? null,
  };
}
