// The cluster registry against real PostgreSQL: registering, validating, switching the default,
// and the audit rows each change leaves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
beforeAll(async () => {
  context = await consoleTestContext();
});
afterAll(async () => context?.close());

const staging = {
  name: "staging-eu",
  environment: "staging" as const,
  bootstrap: "kafka-1.staging:9092, kafka-2.staging:9092",
  httpEndpoint: "http://kafka-1.staging:8081",
  saslMechanism: "SCRAM-SHA-512" as const,
  saslUsername: "console",
  saslPasswordEnv: "STAGING_KAFKA_PASSWORD",
  tls: true,
};

describe("clusters router", () => {
  it("registers a cluster, normalises its bootstrap list, and audits who did it", async () => {
    const created = await context.caller("bob@example.com").clusters.create(staging);
    expect(created).toMatchObject({
      name: "staging-eu",
      bootstrap: "kafka-1.staging:9092,kafka-2.staging:9092",
      saslPasswordEnv: "STAGING_KAFKA_PASSWORD",
      isDefault: false,
    });
    const list = await context.caller().clusters.list();
    expect(list.map((cluster) => [cluster.name, cluster.selected])).toEqual([
      ["staging-eu", false],
      ["test", true],
    ]);
    const audit = await context.db.auditEvent.findFirstOrThrow({ where: { action: "cluster.register" } });
    expect(audit.actor).toBe("bob@example.com");
    expect(audit.after).toMatchObject({ name: "staging-eu", saslMechanism: "SCRAM-SHA-512" });
  });

  it("refuses bad input with the field that is wrong", async () => {
    for (const [patch, message] of [
      [{ bootstrap: "kafka-1" }, "host:port"],
      [{ name: "" }, "name is required"],
      [{ httpEndpoint: "ftp://x" }, "http(s) URL"],
      [{ saslPasswordEnv: "lower case" }, "environment variable"],
      [{ saslPasswordEnv: null }, "SASL needs a username"],
    ] as const) {
      const refused = await refusal(
        context.caller().clusters.create({ ...staging, name: "other", ...patch }),
      );
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.message).toContain(message);
    }
    // @ts-expect-error an environment outside the list
    const wrongEnvironment = await refusal(
      context.caller().clusters.create({ ...staging, environment: "qa" }),
    );
    expect(wrongEnvironment.code).toBe("BAD_REQUEST");
  });

  it("refuses a second cluster with the same name", async () => {
    const refused = await refusal(context.caller().clusters.create(staging));
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: "a cluster named staging-eu is already registered",
    });
  });

  it("follows the selected cluster and falls back to the default for an unknown selection", async () => {
    const staged = (await context.caller().clusters.list()).find((cluster) => cluster.name === "staging-eu");
    expect((await context.caller("a", staged?.id).clusters.current()).name).toBe("staging-eu");
    expect((await context.caller("a", "00000000-0000-4000-8000-000000000000").clusters.current()).name).toBe(
      "test",
    );
  });

  it("a SASL cluster whose password variable is unset is unavailable, with the variable named", async () => {
    const staged = (await context.caller().clusters.list()).find((cluster) => cluster.name === "staging-eu");
    delete process.env.STAGING_KAFKA_PASSWORD;
    const refused = await refusal(context.caller("a", staged?.id).topics.list());
    expect(refused.code).toBe("SERVICE_UNAVAILABLE");
    expect(refused.message).toContain("STAGING_KAFKA_PASSWORD");
  });

  it("moves the default, and will not remove the default while others exist", async () => {
    const [staged, test] = await context.caller().clusters.list();
    const refused = await refusal(context.caller().clusters.remove({ id: test?.id ?? "" }));
    expect(refused.code).toBe("PRECONDITION_FAILED");
    await context.caller().clusters.makeDefault({ id: staged?.id ?? "" });
    expect((await context.caller().clusters.current()).name).toBe("staging-eu");
    await context.caller().clusters.remove({ id: test?.id ?? "" });
    expect((await context.caller().clusters.list()).map((cluster) => cluster.name)).toEqual(["staging-eu"]);
    const actions = (await context.db.auditEvent.findMany({ orderBy: { id: "asc" } })).map(
      (event) => event.action,
    );
    expect(actions).toEqual(["cluster.register", "cluster.default", "cluster.remove"]);
  });

  it("refuses ids that are not ids", async () => {
    expect((await refusal(context.caller().clusters.remove({ id: "1; drop table" }))).code).toBe(
      "BAD_REQUEST",
    );
  });
});
