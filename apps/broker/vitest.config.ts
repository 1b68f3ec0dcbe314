import { defineConfig } from "vitest/config";
import { defineStreambedConfig } from "@streambed/vitest-config";

export default defineConfig(defineStreambedConfig("broker"));
