import { defineStreambedConfig } from "@streambed/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(defineStreambedConfig("schemas"));
