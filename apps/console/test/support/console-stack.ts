// The stack the console's end-to-end tests drive, as `npm start` runs it: an embedded PostgreSQL
// shared by the broker and the console, a broker with its embedded S3 endpoint, `next start`, and
// Debian's Chromium through Playwright; optionally a second, secured cluster and a console pointed
// at a dead one. Also the page helpers the tests share (log in, screenshots, alerts, table cells).
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "@streambed/db";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

export const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
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

export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "console admin password";
export const SECURED_ADMIN_PASSWORD = "secured cluster admin password";

interface Service {
  child: ChildProcess;
  output: string[];
}

export interface StackOptions {
  /** A second cluster that authenticates (SASL SCRAM) and authorizes (ACLs), for the IAM pages. */
  secured?: boolean;
  /** A second console, on a database of its own, pointed at a bootstrap nobody listens on. */
  downConsole?: boolean;
  /** Extra broker flags, e.g. catch-up limits. */
  brokerArgs?: string[];
}

export interface ConsoleStack {
  postgres: EmbeddedPostgresServer;
  kafka: Kafka;
  bootstrap: string;
  httpEndpoint: string;
  consoleUrl: string;
  /** Set with `downConsole`. */
  downConsoleUrl: string;
  deadBootstrap: string;
  /** Set with `secured`. */
  securedBootstrap: string;
  securedHttpEndpoint: string;
  /** A page in a browser context of its own (its own session cookie), not logged in. */
  blankPage(): Promise<Page>;
  /** A browser context of its own (its own session cookie), logged in as the admin unless told otherwise. */
  newPage(url?: string, login?: { email: string; password: string } | null): Promise<Page>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
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

async function stopService(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once("exit", resolve));
  service.child.kill("SIGTERM");
  await exited;
}

async function createDatabase(databaseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return databaseUrl.replace(/\/[^/]+$/, `/${name}`);
}

export async function logIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("current-user").filter({ hasText: email }).waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** Our alerts by their text: Next.js keeps an empty role="alert" route announcer on every page. */
export function alert(page: Page, text: RegExp | string): Locator {
  return page.getByRole("alert").filter({ hasText: text });
}

export async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole("cell").allTextContents()).map((cell) => cell.trim());
}

export async function createTeam(page: Page, consoleUrl: string, name: string): Promise<void> {
  await page.goto(`${consoleUrl}/ownership`);
  await page.getByLabel("Team name").fill(name);
  await page.getByRole("button", { name: "Create team" }).click();
  await page.getByRole("table", { name: "Teams" }).getByRole("cell", { name, exact: true }).waitFor();
}

export async function startConsoleStack(options: StackOptions = {}): Promise<ConsoleStack> {
  const services: Service[] = [];
  let postgres: EmbeddedPostgresServer | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    // Consoles first, so that their sampler does not log a vanished broker.
    for (const service of [...services].reverse()) await stopService(service);
    await postgres?.stop();
  };
  try {
    const dataDir = mkdtempSync(path.join("/tmp", "streambed-console-"));
    chmodSync(dataDir, 0o755);
    mkdirSync(screenshots, { recursive: true });
    postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres") });
    const [kafkaPort, httpPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const bootstrap = `127.0.0.1:${kafkaPort}`;
    const httpEndpoint = `http://127.0.0.1:${httpPort}`;
    const broker = start(
      brokerMain,
      [
        ...["--listen", bootstrap, "--http-listen", `127.0.0.1:${httpPort}`],
        ...["--data-dir", path.join(dataDir, "broker"), "--database-url", postgres.databaseUrl],
        ...["--group-initial-rebalance-delay-ms", "0", "--upload-interval-ms", "200"],
        ...(options.brokerArgs ?? []),
      ],
      { STREAMBED_LOG_LEVEL: "warn" },
      repoRoot,
    );
    services.push(broker);
    await waitForHttp(`${httpEndpoint}/health`, broker);

    let securedBootstrap = "";
    let securedHttpEndpoint = "";
    if (options.secured) {
      const [securedPort, securedHttpPort] = [await freePort(), await freePort()];
      securedBootstrap = `127.0.0.1:${securedPort}`;
      securedHttpEndpoint = `http://127.0.0.1:${securedHttpPort}`;
      const securedBroker = start(
        brokerMain,
        [
          ...["--listeners", `SASL_PLAINTEXT://${securedBootstrap}`],
          ...["--http-listen", `127.0.0.1:${securedHttpPort}`],
          ...["--data-dir", path.join(dataDir, "secured-broker")],
          ...["--database-url", await createDatabase(postgres.databaseUrl, "secured_cluster")],
          ...["--super-users", "User:admin", "--security-refresh-ms", "200"],
        ],
        { STREAMBED_LOG_LEVEL: "warn", STREAMBED_BOOTSTRAP_USER: `admin:${SECURED_ADMIN_PASSWORD}` },
        repoRoot,
      );
      services.push(securedBroker);
      await waitForHttp(`${securedHttpEndpoint}/health`, securedBroker);
    }

    const consoleServer = start(
      nextBin,
      ["start", "-p", String(webPort), "-H", "127.0.0.1"],
      {
        DATABASE_URL: postgres.databaseUrl,
        STREAMBED_BOOTSTRAP: bootstrap,
        STREAMBED_HTTP_ENDPOINT: httpEndpoint,
        STREAMBED_CLUSTER_NAME: "local",
        STREAMBED_SAMPLE_INTERVAL_MS: "1000",
        STREAMBED_ADMIN_EMAIL: ADMIN_EMAIL,
        STREAMBED_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SECURED_KAFKA_PASSWORD: SECURED_ADMIN_PASSWORD,
      },
      consoleDir,
    );
    services.push(consoleServer);
    const consoleUrl = `http://127.0.0.1:${webPort}`;

    let downConsoleUrl = "";
    const deadBootstrap = `127.0.0.1:${await freePort()}`;
    if (options.downConsole) {
      const downPort = await freePort();
      const downConsole = start(
        nextBin,
        ["start", "-p", String(downPort), "-H", "127.0.0.1"],
        {
          DATABASE_URL: await createDatabase(postgres.databaseUrl, "console_down"),
          STREAMBED_BOOTSTRAP: deadBootstrap,
          STREAMBED_SAMPLE_INTERVAL_MS: "0",
          STREAMBED_ADMIN_EMAIL: ADMIN_EMAIL,
          STREAMBED_ADMIN_PASSWORD: ADMIN_PASSWORD,
        },
        consoleDir,
      );
      services.push(downConsole);
      downConsoleUrl = `http://127.0.0.1:${downPort}`;
      await waitForHttp(downConsoleUrl, downConsole);
    }
    await waitForHttp(consoleUrl, consoleServer);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const launched = browser;
    const blankPage = async () => {
      const page = await (await launched.newContext({ acceptDownloads: true })).newPage();
      page.setDefaultTimeout(30_000);
      return page;
    };
    return {
      postgres,
      kafka: new Kafka({ clientId: "console-test", brokers: [bootstrap], logLevel: logLevel.NOTHING }),
      bootstrap,
      httpEndpoint,
      consoleUrl,
      downConsoleUrl,
      deadBootstrap,
      securedBootstrap,
      securedHttpEndpoint,
      blankPage,
      async newPage(url = consoleUrl, login = null) {
        const page = await blankPage();
        const { email, password } = login ?? { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
        await logIn(page, url, email, password);
        return page;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
