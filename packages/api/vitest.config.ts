import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(
  defineStreambedConfig("api", {
    // Router tests share one PostgreSQL and one broker per file; starting them takes several seconds.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    globalSetup: ["test/support/global-setup.ts"],
  }),
);
