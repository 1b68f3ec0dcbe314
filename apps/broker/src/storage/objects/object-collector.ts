// Garbage collection of objects: committed objects no block references any more (retention,
// compaction, deleted topics) are deleted after a grace period for reads in flight, and objects
// uploaded but never committed (a crash between upload and commit) after they are clearly orphaned.

import type { Logger } from "pino";
import type { ObjectCatalog } from "./object-catalog.js";
import type { ObjectStore } from "./object-store.js";

export interface ObjectCollectorOptions {
  intervalMs: number;
  /** An unreferenced object stays this long (fetches may still read it). */
  graceMs: number;
  /** A prepared object older than this is an orphan: its upload or commit never finished. */
  orphanAfterMs: number;
}

export interface CollectionSummary {
  marked: number;
  deleted: number;
  /** Objects in the bucket without a row, found by the sweep and deleted. */
  swept: number;
}

/** The bucket sweep (a LIST of the whole prefix) runs every this many rounds. */
const SWEEP_EVERY_ROUNDS = 20;

export class ObjectCollector {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CollectionSummary> | null = null;
  private totals = { runs: 0, deleted: 0, failures: 0 };

  constructor(
    private readonly store: ObjectStore,
    private readonly catalog: ObjectCatalog,
    /** Every object key of this cluster starts with it. */
    private readonly keyPrefix: string,
    private readonly options: ObjectCollectorOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.collect().catch((error: unknown) => {
        this.totals.failures += 1;
        this.logger.warn({ err: error }, "object garbage collection failed; retried next round");
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One round (serialised with any running one); `sweep` also lists the bucket. */
  collect(options: { sweep?: boolean } = {}): Promise<CollectionSummary> {
    if (this.running) return this.running;
    const sweep = options.sweep ?? (this.totals.runs + 1) % SWEEP_EVERY_ROUNDS === 0;
    this.running = this.round(sweep).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  stats(): { runs: number; deleted: number; failures: number } {
    return { ...this.totals };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async round(sweep: boolean): Promise<CollectionSummary> {
    const marked = await this.catalog.markUnreferencedObjects();
    let deleted = 0;
    for (;;) {
      const objects = await this.catalog.takeCollectableObjects(
        this.options.graceMs,
        this.options.orphanAfterMs,
      );
      if (objects.length === 0) break;
      await this.store.delete(objects.map((object) => object.key));
      deleted += objects.length;
      if (objects.length < 1000) break;
    }
    const swept = sweep ? await this.sweepBucket() : 0;
    this.totals.runs += 1;
    this.totals.deleted += deleted + swept;
    if (deleted + swept > 0) {
      this.logger.info({ deleted, swept, marked }, "deleted unreferenced objects from the bucket");
    }
    return { marked, deleted, swept };
  }

  /** Objects under the prefix that no row knows, older than the orphan age: leaked by a crash
   *  between a row's removal and the bucket delete, or written by something else. */
  private async sweepBucket(): Promise<number> {
    const cutoff = Date.now() - this.options.orphanAfterMs;
    const old = (await this.store.list(this.keyPrefix)).filter(
      (object) => object.lastModified.getTime() < cutoff,
    );
    let swept = 0;
    for (let start = 0; start < old.length; start += 1000) {
      const keys = old.slice(start, start + 1000).map((object) => object.key);
      const known = await this.catalog.knownKeys(keys);
      const unknown = keys.filter((key) => !known.has(key));
      if (unknown.length > 0) await this.store.delete(unknown);
      swept += unknown.length;
    }
    return swept;
  }
}
