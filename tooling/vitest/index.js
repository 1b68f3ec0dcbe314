// Shared vitest settings: workspace packages resolve to their TypeScript sources, and every run
// also writes a JSON report under <repo>/.test-results so that .ci/run can total the whole run.

import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * @param {string} packageName short name used for the report file
 * @param {import("vitest/config").ViteUserConfig["test"]} [test] per-package overrides
 */
export function defineStreambedConfig(packageName, test = {}) {
  return {
    resolve: { conditions: ["source"] },
    ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
    test: {
      reporters: [
        "default",
        ["json", { outputFile: path.join(repoRoot, ".test-results", `${packageName}.json`) }],
      ],
      include: ["test/**/*.test.ts"],
      ...test,
    },
  };
}
