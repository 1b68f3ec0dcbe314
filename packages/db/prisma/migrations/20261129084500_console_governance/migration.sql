-- The console's governance data (clusters, teams, people, topic ownership and clients with replay
-- windows, lag and topic samples, the audit log), and the brokers' traffic counters and HTTP address.

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "http_address" TEXT,
ADD COLUMN     "traffic" JSONB;

-- CreateTable
CREATE TABLE "console_clusters" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "bootstrap" TEXT NOT NULL,
    "http_endpoint" TEXT,
    "sasl_mechanism" TEXT,
    "sasl_username" TEXT,
    "sasl_password_env" TEXT,
    "tls" BOOLEAN NOT NULL DEFAULT false,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "console_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "contact" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "people" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "team_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topic_ownership" (
    "cluster_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "owner_team_id" UUID NOT NULL,
    "schema_owner_team_id" UUID,
    "retention_owner_team_id" UUID,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "topic_ownership_pkey" PRIMARY KEY ("cluster_id","topic")
);

-- CreateTable
CREATE TABLE "topic_clients" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "team_id" UUID,
    "engine" TEXT NOT NULL,
    "consumer_group" TEXT,
    "replay_window_ms" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "topic_clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_lag_samples" (
    "cluster_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "lag" BIGINT NOT NULL,
    "committed_offset" BIGINT NOT NULL,
    "end_offset" BIGINT NOT NULL,
    "members" INTEGER NOT NULL,

    CONSTRAINT "group_lag_samples_pkey" PRIMARY KEY ("cluster_id","group_id","at")
);

-- CreateTable
CREATE TABLE "topic_samples" (
    "cluster_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "end_offset" BIGINT NOT NULL,
    "log_start_offset" BIGINT NOT NULL,
    "bytes_in" BIGINT,
    "bytes_out" BIGINT,
    "stored_bytes" BIGINT,

    CONSTRAINT "topic_samples_pkey" PRIMARY KEY ("cluster_id","topic","at")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "cluster_id" UUID,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "console_clusters_name_key" ON "console_clusters"("name");

-- CreateIndex
CREATE UNIQUE INDEX "teams_name_key" ON "teams"("name");

-- CreateIndex
CREATE UNIQUE INDEX "people_email_key" ON "people"("email");

-- CreateIndex
CREATE INDEX "people_team_id_idx" ON "people"("team_id");

-- CreateIndex
CREATE INDEX "topic_ownership_owner_team_id_idx" ON "topic_ownership"("owner_team_id");

-- CreateIndex
CREATE INDEX "topic_clients_cluster_id_consumer_group_idx" ON "topic_clients"("cluster_id", "consumer_group");

-- CreateIndex
CREATE UNIQUE INDEX "topic_clients_cluster_id_topic_role_name_key" ON "topic_clients"("cluster_id", "topic", "role", "name");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_target_idx" ON "audit_events"("target");

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_ownership" ADD CONSTRAINT "topic_ownership_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_ownership" ADD CONSTRAINT "topic_ownership_owner_team_id_fkey" FOREIGN KEY ("owner_team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_ownership" ADD CONSTRAINT "topic_ownership_schema_owner_team_id_fkey" FOREIGN KEY ("schema_owner_team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_ownership" ADD CONSTRAINT "topic_ownership_retention_owner_team_id_fkey" FOREIGN KEY ("retention_owner_team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_clients" ADD CONSTRAINT "topic_clients_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_clients" ADD CONSTRAINT "topic_clients_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_lag_samples" ADD CONSTRAINT "group_lag_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_samples" ADD CONSTRAINT "topic_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "console_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

