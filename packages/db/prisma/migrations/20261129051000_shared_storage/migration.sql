-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "lease_ms" INTEGER NOT NULL DEFAULT 10000,
ADD COLUMN     "shut_down" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "wal_kind" TEXT NOT NULL DEFAULT 'file';

-- AlterTable
ALTER TABLE "partitions" ADD COLUMN     "producer_state" JSONB,
ADD COLUMN     "stored_end_offset" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "target_leader_id" INTEGER;

-- CreateTable
CREATE TABLE "controller_lease" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "holder_id" INTEGER NOT NULL,
    "epoch" BIGINT NOT NULL DEFAULT 1,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "controller_lease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coordinator_slots" (
    "slot" INTEGER NOT NULL,
    "leader_id" INTEGER NOT NULL DEFAULT -1,
    "leader_epoch" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "coordinator_slots_pkey" PRIMARY KEY ("slot")
);

-- CreateTable
CREATE TABLE "objects" (
    "object_id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_by" INTEGER NOT NULL,
    "prepared_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committed_at" TIMESTAMPTZ(3),
    "unreferenced_at" TIMESTAMPTZ(3),

    CONSTRAINT "objects_pkey" PRIMARY KEY ("object_id")
);

-- CreateTable
CREATE TABLE "object_ranges" (
    "topic_id" UUID NOT NULL,
    "partition_index" INTEGER NOT NULL,
    "base_offset" BIGINT NOT NULL,
    "end_offset" BIGINT NOT NULL,
    "object_id" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,
    "size" INTEGER NOT NULL,
    "max_timestamp" BIGINT NOT NULL,
    "leader_epoch" INTEGER NOT NULL,

    CONSTRAINT "object_ranges_pkey" PRIMARY KEY ("topic_id","partition_index","base_offset")
);

-- CreateIndex
CREATE UNIQUE INDEX "objects_key_key" ON "objects"("key");

-- CreateIndex
CREATE INDEX "objects_state_prepared_at_idx" ON "objects"("state", "prepared_at");

-- CreateIndex
CREATE INDEX "object_ranges_object_id_idx" ON "object_ranges"("object_id");

-- AddForeignKey
ALTER TABLE "object_ranges" ADD CONSTRAINT "object_ranges_topic_id_partition_index_fkey" FOREIGN KEY ("topic_id", "partition_index") REFERENCES "partitions"("topic_id", "partition_index") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "object_ranges" ADD CONSTRAINT "object_ranges_object_id_fkey" FOREIGN KEY ("object_id") REFERENCES "objects"("object_id") ON DELETE RESTRICT ON UPDATE CASCADE;

