// The console end to end, in Debian's Chromium through Playwright: a real broker (embedded
// PostgreSQL and S3), `next start`, and a browser looking at the pages.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(consoleDir, "..", "..");
const brokerMain = path.join(repoRoot, "apps", "broker", "dist", "main.js");
const nextBin = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
const screenshots = path.join(repoRoot, ".test-results", "console-screenshots");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface Service {
  child: ChildProcess;
  output: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function start(command: string, args: string[], env: Record<string, string>, cwd: string): Service {
  const child = spawn(process.execPath, [command, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

async function waitForHttp(url: string, service: Service, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`exited early:\n${service.output.join("")}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer:\n${service.output.join("")}`);
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once("exit", resolve));
  service.child.kill("SIGTERM");
  await exited;
}

let broker: Service | undefined;
let consoleServer: Service | undefined;
let downConsole: Service | undefined;
let browser: Browser | undefined;
let bootstrap = "";
let consoleUrl = "";
let downConsoleUrl = "";

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join("/tmp", "streambed-console-"));
  chmodSync(dataDir, 0o755);
  mkdirSync(screenshots, { recursive: true });
  const [kafkaPort, httpPort, webPort, downPort, deadPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  bootstrap = `127.0.0.1:${kafkaPort}`;
  broker = start(
    brokerMain,
    ["--listen", bootstrap, "--http-listen", `127.0.0.1:${httpPort}`, "--data-dir", dataDir],
    { STREAMBED_LOG_LEVEL: "warn" },
    repoRoot,
  );
  await waitForHttp(`http://127.0.0.1:${httpPort}/health`, broker);
  consoleServer = start(
    nextBin,
    ["start", "-p", String(webPort), "-H", "127.0.0.1"],
    { STREAMBED_BOOTSTRAP: bootstrap },
    consoleDir,
  );
  consoleUrl = `http://127.0.0.1:${webPort}`;
  downConsole = start(
    nextBin,
    ["start", "-p", String(downPort), "-H", "127.0.0.1"],
    { STREAMBED_BOOTSTRAP: `127.0.0.1:${deadPort}` },
    consoleDir,
  );
  downConsoleUrl = `http://127.0.0.1:${downPort}`;
  await waitForHttp(consoleUrl, consoleServer);
  await waitForHttp(downConsoleUrl, downConsole);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stop(consoleServer);
  await stop(downConsole);
  await stop(broker);
});

describe("console", () => {
  it("shows a topic created with a Kafka client on the topics page, and the broker on the overview", async () => {
    const topic = `console-${Date.now().toString(36)}`;
    const admin = new Kafka({
      clientId: "console-test",
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, configEntries: [{ name: "retention.ms", value: "86400000" }] }],
    });
    await admin.disconnect();
    const producer = new Kafka({
      clientId: "console-test",
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 5 }, (_, index) => ({ partition: 1, value: `v${index}` })),
    });
    await producer.disconnect();

    const page = await browser!.newPage();
    await page.goto(`${consoleUrl}/topics`);
    const row = page.getByRole("row", { name: new RegExp(topic) });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain("3");
    await page.screenshot({ path: path.join(screenshots, "topics.png"), fullPage: true });

    await page.getByRole("link", { name: topic }).click();
    const partitions = page.getByRole("table", { name: "Partitions" });
    await partitions.waitFor();
    const cells = async (row: number) =>
      (await partitions.getByRole("row").nth(row).getByRole("cell").allTextContents()).map((cell) =>
        cell.trim(),
      );
    expect(await partitions.getByRole("row").count()).toBe(4); // header + 3 partitions
    expect(await cells(2)).toEqual(["1", "1", "0", "5", "5"]); // partition 1: leader 1, offsets 0..5
    const retention = page
      .getByRole("table", { name: "Configs" })
      .getByRole("row", { name: /^retention\.ms/ });
    expect((await retention.getByRole("cell").allTextContents()).map((cell) => cell.trim())).toEqual([
      "retention.ms",
      "86400000",
      "set on the topic",
    ]);
    await page.screenshot({ path: path.join(screenshots, "topic.png"), fullPage: true });

    await page.goto(`${consoleUrl}/topics/no-such-topic-${Date.now()}`);
    await page
      .getByRole("alert")
      .filter({ hasText: /does not exist/ })
      .waitFor({ timeout: 30_000 });

    // A group that committed offset 2 of partition 1's five records lags by three.
    const groupId = `${topic}-group`;
    const groupAdmin = new Kafka({
      clientId: "console-test",
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await groupAdmin.connect();
    await groupAdmin.setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: "2" }] });
    await groupAdmin.disconnect();
    await page.getByRole("link", { name: "Consumer groups" }).click();
    const groupRow = page.getByRole("row", { name: new RegExp(groupId) });
    await groupRow.waitFor({ timeout: 30_000 });
    expect((await groupRow.getByRole("cell").allTextContents()).map((cell) => cell.trim())).toEqual([
      groupId,
      "Empty",
      "0",
      "3",
    ]);
    await groupRow.getByRole("link", { name: groupId }).click();
    await page.getByTestId("total-lag").waitFor();
    const committed = page.getByRole("table", { name: "Committed offsets" }).getByRole("row").nth(1);
    expect((await committed.getByRole("cell").allTextContents()).map((cell) => cell.trim())).toEqual([
      topic,
      "1",
      "2",
      "5",
      "3",
    ]);
    await page.screenshot({ path: path.join(screenshots, "group.png"), fullPage: true });

    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByTestId("broker-count").waitFor();
    expect(await page.getByTestId("broker-count").textContent()).toBe("1");
    expect(Number(await page.getByTestId("topic-count").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole("row", { name: /controller/ }).textContent()).toContain(bootstrap);
    await page.screenshot({ path: path.join(screenshots, "overview.png"), fullPage: true });
    await page.close();
  });

  it("says the cluster is not answering, instead of crashing, when no broker is there", async () => {
    const page = await browser!.newPage();
    await page.goto(`${downConsoleUrl}/`);
    // (Next.js keeps an empty role="alert" route announcer on every page: look for ours by its text.)
    const alert = page.getByRole("alert").filter({ hasText: /not answering/ });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain(`127.0.0.1:`);
    await page.screenshot({ path: path.join(screenshots, "cluster-down.png"), fullPage: true });
    await page.close();
  });
});
