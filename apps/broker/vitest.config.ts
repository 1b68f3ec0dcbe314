import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(
  defineStreambedConfig("broker", {
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real broker processes; two cores do not gain from running many at once.
    fileParallelism: false,
  }),
);
