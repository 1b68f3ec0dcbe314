-- CreateTable
CREATE TABLE "registry_schemas" (
    "id" SERIAL NOT NULL,
    "schema_type" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "references" JSONB NOT NULL DEFAULT '[]',
    "fingerprint" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_schemas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_subject_versions" (
    "subject" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "schema_id" INTEGER NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_subject_versions_pkey" PRIMARY KEY ("subject","version")
);

-- CreateTable
CREATE TABLE "registry_configs" (
    "subject" TEXT NOT NULL,
    "compatibility_level" TEXT,
    "normalize" BOOLEAN,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_configs_pkey" PRIMARY KEY ("subject")
);

-- CreateTable
CREATE TABLE "registry_modes" (
    "subject" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_modes_pkey" PRIMARY KEY ("subject")
);

-- CreateIndex
CREATE UNIQUE INDEX "registry_schemas_fingerprint_key" ON "registry_schemas"("fingerprint");

-- CreateIndex
CREATE INDEX "registry_subject_versions_schema_id_idx" ON "registry_subject_versions"("schema_id");

-- AddForeignKey
ALTER TABLE "registry_subject_versions" ADD CONSTRAINT "registry_subject_versions_schema_id_fkey" FOREIGN KEY ("schema_id") REFERENCES "registry_schemas"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

