import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(
  defineStreambedConfig("db", {
    // Each test file starts its own PostgreSQL (initdb takes a few seconds on a small machine).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  }),
);
