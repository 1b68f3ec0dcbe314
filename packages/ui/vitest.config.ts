import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(
  defineStreambedConfig("ui", {
    // Pure logic in .ts, server-rendered components in .tsx; both run in Node without a DOM.
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
  }),
);
