import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(
  defineStreambedConfig("console", {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  }),
);
