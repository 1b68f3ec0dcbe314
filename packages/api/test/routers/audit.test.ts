// The audit log through its router: newest first, filtered by target or action prefix, paged by
// id, and refusing filters that are not what they claim to be.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
beforeAll(async () => {
  context = await consoleTestContext();
  for (const name of ["alpha", "beta", "gamma"])
    await context.caller(`${name}@example.com`).ownership.createTeam({ name });
  const beta = (await context.caller().ownership.teams()).find((team) => team.name === "beta");
  await context.caller("admin@example.com").ownership.removeTeam({ id: beta?.id ?? "" });
});
afterAll(async () => context?.close());

describe("audit router", () => {
  it("lists changes newest first with who made them and what changed", async () => {
    const events = await context.caller().audit.list({});
    expect(events.map((event) => [event.action, event.target, event.actor])).toEqual([
      ["team.remove", "team:beta", "admin@example.com"],
      ["team.create", "team:gamma", "gamma@example.com"],
      ["team.create", "team:beta", "beta@example.com"],
      ["team.create", "team:alpha", "alpha@example.com"],
    ]);
    expect(events[0]?.before).toMatchObject({ name: "beta" });
    expect(events[1]?.after).toMatchObject({ name: "gamma" });
  });

  it("filters by target and by action prefix, and pages by id", async () => {
    expect((await context.caller().audit.list({ target: "team:beta" })).map((event) => event.action)).toEqual(
      ["team.remove", "team.create"],
    );
    expect(await context.caller().audit.list({ action: "team.remove" })).toHaveLength(1);
    const first = await context.caller().audit.list({ limit: 2 });
    const second = await context.caller().audit.list({ limit: 2, before: first.at(-1)?.id });
    expect([...first, ...second].map((event) => event.target)).toEqual([
      "team:beta",
      "team:gamma",
      "team:beta",
      "team:alpha",
    ]);
  });

  it("refuses a cursor that is not an id and pages that are too large", async () => {
    expect((await refusal(context.caller().audit.list({ before: "1 OR 1=1" }))).code).toBe("BAD_REQUEST");
    expect((await refusal(context.caller().audit.list({ limit: 1000 }))).code).toBe("BAD_REQUEST");
  });
});
