-- Security: SCRAM credentials and ACLs shared by every broker, the version row brokers poll to reload
-- them, console users and sessions, and data-masking rules.

-- CreateTable
CREATE TABLE "scram_credentials" (
    "username" TEXT NOT NULL,
    "mechanism" TEXT NOT NULL,
    "salt" BYTEA NOT NULL,
    "stored_key" BYTEA NOT NULL,
    "server_key" BYTEA NOT NULL,
    "iterations" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scram_credentials_pkey" PRIMARY KEY ("username","mechanism")
);

-- CreateTable
CREATE TABLE "acls" (
    "id" BIGSERIAL NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "pattern_type" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "host" TEXT NOT NULL DEFAULT '*',
    "operation" TEXT NOT NULL,
    "permission_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "acls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "security_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "acl_version" BIGINT NOT NULL DEFAULT 0,
    "user_version" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "console_users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "must_change_password" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),

    CONSTRAINT "console_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "console_sessions" (
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "masking_rules" (
    "id" UUID NOT NULL,
    "cluster_id" UUID,
    "topic_pattern" TEXT NOT NULL,
    "field_path" TEXT,
    "regex" TEXT,
    "exempt_roles" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "masking_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "acls_principal_idx" ON "acls"("principal");

-- CreateIndex
CREATE UNIQUE INDEX "acls_resource_type_resource_name_pattern_type_principal_hos_key" ON "acls"("resource_type", "resource_name", "pattern_type", "principal", "host", "operation", "permission_type");

-- CreateIndex
CREATE UNIQUE INDEX "console_users_email_key" ON "console_users"("email");

-- CreateIndex
CREATE INDEX "console_sessions_user_id_idx" ON "console_sessions"("user_id");

-- AddForeignKey
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "console_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The one version row brokers poll.
INSERT INTO "security_version" ("id") VALUES (1);
