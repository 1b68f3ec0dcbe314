#!/usr/bin/env node
// Totals the JSON reports that every package's vitest run writes to .test-results/ and prints
// "N passed, N failed" last (exit 1 when nothing ran or anything failed). A test file that
// failed to load counts as one failure.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = path.resolve(".test-results");
let files = [];
try {
  files = readdirSync(dir).filter((file) => file.endsWith(".json"));
} catch {
  files = [];
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files.sort()) {
  const report = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  let packagePassed = 0;
  let packageFailed = 0;
  for (const result of report.testResults ?? []) {
    const assertions = result.assertionResults ?? [];
    const ok = assertions.filter((a) => a.status === "passed").length;
    const bad = assertions.filter((a) => a.status === "failed").length;
    skipped += assertions.filter(
      (a) => a.status === "pending" || a.status === "skipped" || a.status === "todo",
    ).length;
    packagePassed += ok;
    packageFailed += bad;
    if (result.status === "failed" && bad === 0) packageFailed += 1; // the file itself failed (load error, hook)
  }
  passed += packagePassed;
  failed += packageFailed;
  console.log(`  ${path.basename(file, ".json")} — ${packagePassed} passed / ${packageFailed} failed`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(passed > 0 && failed === 0 ? 0 : 1);
