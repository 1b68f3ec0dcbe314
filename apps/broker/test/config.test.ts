// The broker's configuration: flags over environment over defaults, and readable errors.
import { describe, expect, it } from "vitest";
import { configSources, loadBrokerConfig, usage } from "../src/config.js";

describe("broker configuration", () => {
  it("uses defaults when nothing is given", () => {
    const config = loadBrokerConfig([], {});
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9092 });
    expect(config.httpListen).toEqual({ host: "127.0.0.1", port: 8081 });
    expect(config.brokerId).toBe(1);
    expect(config.autoCreateTopics).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });

  it("takes flags over STREAMBED_* environment variables", () => {
    const config = loadBrokerConfig(["--broker-id", "7", "--listen", "[::1]:9999"], {
      STREAMBED_BROKER_ID: "3",
      STREAMBED_AUTO_CREATE_TOPICS: "false",
      DATABASE_URL: "postgres://u:p@db:5432/streambed",
    });
    expect(config.brokerId).toBe(7);
    expect(config.listen).toEqual({ host: "::1", port: 9999 });
    expect(config.autoCreateTopics).toBe(false);
    expect(config.databaseUrl).toBe("postgres://u:p@db:5432/streambed");
  });

  it("lists every invalid option by its flag", () => {
    expect(() => loadBrokerConfig(["--listen", "nowhere", "--broker-id=-2"], {})).toThrow(
      /--listen: expected HOST:PORT[\s\S]*--broker-id/,
    );
  });

  it("rejects unknown flags", () => {
    expect(() => loadBrokerConfig(["--no-such-flag", "1"], {})).toThrow(/no-such-flag/);
  });

  it("documents every flag with its environment variable", () => {
    expect(usage()).toMatch(/--database-url\s+.*\[STREAMBED_DATABASE_URL, DATABASE_URL\]/);
  });
});

describe("the README's table of options", () => {
  it("lists every option with its flag and environment variables", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    for (const source of Object.values(configSources)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`--${source.flag}\` |`));
      expect(row, `README row for --${source.flag}`).toBeDefined();
      for (const name of source.env) expect(row).toContain(`\`${name}\``);
    }
  });
});
