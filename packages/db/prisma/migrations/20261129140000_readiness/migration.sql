-- AlterTable
ALTER TABLE "group_lag_samples" ADD COLUMN     "lag_ms" BIGINT;

-- CreateTable
CREATE TABLE "broker_metric_samples" (
    "cluster_id" UUID NOT NULL,
    "broker_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "series" TEXT NOT NULL DEFAULT '',
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "broker_metric_samples_pkey" PRIMARY KEY ("cluster_id","broker_id","metric","series","at")
);

-- CreateTable
CREATE TABLE "lag_alert_rules" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "group_pattern" TEXT NOT NULL,
    "topic_pattern" TEXT,
    "max_lag_records" BIGINT,
    "max_lag_ms" BIGINT,
    "for_ms" INTEGER NOT NULL DEFAULT 0,
    "webhook_url" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lag_alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lag_alert_events" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "pending_since" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3),
    "cleared_at" TIMESTAMPTZ(3),
    "lag_records" BIGINT NOT NULL,
    "lag_ms" BIGINT,
    "peak_lag_records" BIGINT NOT NULL,
    "peak_lag_ms" BIGINT,
    "reason" TEXT NOT NULL,
    "fired_delivery" TEXT,
    "cleared_delivery" TEXT,

    CONSTRAINT "lag_alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_sheets" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "prices" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "price_sheets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_settings" (
    "cluster_id" UUID NOT NULL,
    "price_sheet_id" UUID,
    "assumptions" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cost_settings_pkey" PRIMARY KEY ("cluster_id")
);

-- CreateTable
CREATE TABLE "offset_snapshots" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3),
    "entries" JSONB NOT NULL,
    "note" TEXT,
    "taken_by" TEXT NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offset_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offset_restore_checks" (
    "id" UUID NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "verified" BOOLEAN NOT NULL,
    "result" JSONB NOT NULL,
    "by" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offset_restore_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backfill_tests" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bound_p99_ms" INTEGER NOT NULL,
    "parameters" JSONB NOT NULL,
    "progress" JSONB,
    "baseline_p99_ms" DOUBLE PRECISION,
    "tail_p99_ms" DOUBLE PRECISION,
    "error" TEXT,
    "started_by" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "backfill_tests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "migration_steps" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "by" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "migration_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_reviews" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "scorecard" JSONB NOT NULL,
    "checklist" JSONB NOT NULL,
    "attendees" JSONB NOT NULL,
    "failure_modes" JSONB NOT NULL,
    "decisions" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "held_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scorecard_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broker_metric_samples_cluster_id_metric_at_idx" ON "broker_metric_samples"("cluster_id", "metric", "at");

-- CreateIndex
CREATE UNIQUE INDEX "lag_alert_rules_cluster_id_name_key" ON "lag_alert_rules"("cluster_id", "name");

-- CreateIndex
CREATE INDEX "lag_alert_events_rule_id_group_id_cleared_at_idx" ON "lag_alert_events"("rule_id", "group_id", "cleared_at");

-- CreateIndex
CREATE INDEX "lag_alert_events_cluster_id_pending_since_idx" ON "lag_alert_events"("cluster_id", "pending_since");

-- CreateIndex
CREATE UNIQUE INDEX "price_sheets_provider_region_key" ON "price_sheets"("provider", "region");

-- CreateIndex
CREATE INDEX "offset_snapshots_cluster_id_group_id_taken_at_idx" ON "offset_snapshots"("cluster_id", "group_id", "taken_at");

-- CreateIndex
CREATE INDEX "offset_restore_checks_cluster_id_group_id_at_idx" ON "offset_restore_checks"("cluster_id", "group_id", "at");

-- CreateIndex
CREATE INDEX "backfill_tests_cluster_id_started_at_idx" ON "backfill_tests"("cluster_id", "started_at");

-- CreateIndex
CREATE INDEX "migration_steps_cluster_id_group_id_at_idx" ON "migration_steps"("cluster_id", "group_id", "at");

-- CreateIndex
CREATE INDEX "scorecard_reviews_cluster_id_held_at_idx" ON "scorecard_reviews"("cluster_id", "held_at");

-- AddForeignKey
ALTER TABLE "broker_metric_samples" ADD CONSTRAINT "broker_metric_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lag_alert_rules" ADD CONSTRAINT "lag_alert_rules_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lag_alert_events" ADD CONSTRAINT "lag_alert_events_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "lag_alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cost_settings" ADD CONSTRAINT "cost_settings_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cost_settings" ADD CONSTRAINT "cost_settings_price_sheet_id_fkey" FOREIGN KEY ("price_sheet_id") REFERENCES "price_sheets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offset_snapshots" ADD CONSTRAINT "offset_snapshots_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offset_restore_checks" ADD CONSTRAINT "offset_restore_checks_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "offset_snapshots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backfill_tests" ADD CONSTRAINT "backfill_tests_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "migration_steps" ADD CONSTRAINT "migration_steps_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_reviews" ADD CONSTRAINT "scorecard_reviews_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

