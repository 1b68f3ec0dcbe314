#!/usr/bin/env node
// Lets `npm start` and `npm test` work straight after cloning: installs the workspace's
// dependencies (npm ci) when they are missing. Does nothing once node_modules is in place.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("node_modules/.package-lock.json") || !existsSync("node_modules/.bin/turbo")) {
  console.error("streambed: installing dependencies (npm ci) ...");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}
