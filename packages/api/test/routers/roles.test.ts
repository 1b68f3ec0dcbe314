// Roles are enforced by every procedure: each mutation is refused to a viewer, admin-only ones to
// an operator, and everything but logging in is refused without a login. The procedures are
// enumerated from the router, so a new mutation is covered without touching this test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../src/root.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
beforeAll(async () => {
  context = await consoleTestContext();
});
afterAll(async () => context?.close());

const procedures = Object.entries(
  appRouter._def.procedures as Record<string, { _def: { type: string } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));
/** What anyone may call: logging in and out, and asking who is logged in. */
const OPEN = new Set(["auth.login", "auth.logout", "auth.me"]);
/** Mutations a viewer may make: only about themselves. */
const SELF_SERVICE = new Set([...OPEN, "auth.changePassword"]);
const ADMIN_ONLY =
  /^(clusters|users|masking)\.|^iam\.(createAcl|deleteAcl|applyEngineAcls|setScramPassword|deleteScramUser)$|^schemas\.deleteVersion$/;

function call(caller: ReturnType<ConsoleTestContext["caller"]>, path: string): Promise<unknown> {
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (input: unknown) => Promise<unknown>)({});
}

describe("roles", () => {
  it("the router has mutations to check", () => {
    expect(procedures.filter((procedure) => procedure.type === "mutation").length).toBeGreaterThan(15);
    // The schema registry's changes are among them, so the checks below cover them too.
    expect(procedures.map((procedure) => procedure.path)).toEqual(
      expect.arrayContaining([
        "schemas.register",
        "schemas.checkCompatibility",
        "schemas.setCompatibility",
        "schemas.deleteVersion",
      ]),
    );
  });

  it("refuses every mutation to a viewer", async () => {
    const viewer = context.caller("viewer@example.com", null, "viewer");
    for (const { path } of procedures.filter(
      (procedure) => procedure.type === "mutation" && !SELF_SERVICE.has(procedure.path),
    )) {
      const refused = await refusal(call(viewer, path));
      expect({ path, code: refused.code }).toEqual({ path, code: "FORBIDDEN" });
      expect(refused.message).toContain("is a viewer");
    }
  });

  it("refuses admin-only mutations to an operator, and lets the operator's own through to validation", async () => {
    const operator = context.caller("operator@example.com", null, "operator");
    for (const { path } of procedures.filter(
      (procedure) => procedure.type === "mutation" && !SELF_SERVICE.has(procedure.path),
    )) {
      const refused = await refusal(call(operator, path));
      // With an empty input, an allowed mutation fails validation instead.
      expect({ path, code: refused.code }).toEqual({
        path,
        code: ADMIN_ONLY.test(path) ? "FORBIDDEN" : "BAD_REQUEST",
      });
    }
  });

  it("refuses everything but logging in without a login", async () => {
    for (const { path } of procedures.filter((procedure) => !OPEN.has(procedure.path))) {
      const refused = await refusal(call(context.anonymous(), path));
      expect({ path, code: refused.code }).toEqual({ path, code: "UNAUTHORIZED" });
    }
    expect(await context.anonymous().auth.me()).toBeNull();
  });
});
