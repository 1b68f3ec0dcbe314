// `npm start` as a user runs it (scripts/start.mjs after the build): PostgreSQL, S3, a broker and the
// console come up, the console URL and the first admin's one-time password are printed, the broker
// is the console's default cluster, and Ctrl-C stops everything it started.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

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

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function trpcQuery<T>(url: string, procedure: string, cookie: string): Promise<T | null> {
  const response = await fetch(`${url}/api/trpc/${procedure}`, { headers: { cookie } }).catch(() => null);
  if (!response?.ok) return null;
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** Logs in through the tRPC endpoint as a browser would, and returns the session cookie. */
async function logIn(url: string, email: string, password: string): Promise<string | null> {
  const response = await fetch(`${url}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, password } }),
  }).catch(() => null);
  if (!response?.ok) return null;
  return response.headers.get("set-cookie")?.split(";")[0] ?? null;
}

let start: ChildProcess | undefined;
afterAll(() => {
  if (start && start.exitCode === null) start.kill("SIGKILL");
});

describe("npm start", () => {
  it("runs broker and console on embedded defaults, registers the broker, and stops on Ctrl-C", async () => {
    const home = mkdtempSync(path.join("/tmp", "streambed-start-"));
    chmodSync(home, 0o755);
    const [kafkaPort, httpPort, consolePort] = [await freePort(), await freePort(), await freePort()];
    start = spawn(process.execPath, [path.join(repoRoot, "scripts", "start.mjs")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: "",
        STREAMBED_HOME: home,
        STREAMBED_LISTEN: `127.0.0.1:${kafkaPort}`,
        STREAMBED_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
        STREAMBED_CONSOLE_PORT: String(consolePort),
        STREAMBED_LOG_LEVEL: "warn",
        STREAMBED_ADMIN_EMAIL: "",
        STREAMBED_ADMIN_PASSWORD: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    start.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    start.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const consoleUrl = `http://127.0.0.1:${consolePort}`;

    const deadline = Date.now() + 120_000;
    let cluster: { name: string; bootstrap: string; httpEndpoint: string; isDefault: boolean } | null = null;
    let overview: { brokers: { nodeId: number; live: boolean }[] } | null = null;
    let cookie: string | null = null;
    while (Date.now() < deadline && (!cluster || !overview)) {
      if (start.exitCode !== null) throw new Error(`npm start exited early:\n${output.join("")}`);
      // The first start prints the first admin's one-time password.
      const password = /admin@localhost with the one-time password (\S+)/.exec(output.join(""))?.[1];
      if (password && !cookie) {
        cookie = await logIn(consoleUrl, "admin@localhost", password);
        // Nothing else is allowed until the one-time password is replaced.
        if (cookie) {
          const changed = await fetch(`${consoleUrl}/api/trpc/auth.changePassword`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie },
            body: JSON.stringify({
              json: { currentPassword: password, newPassword: "my own admin password" },
            }),
          });
          expect(changed.status).toBe(200);
        }
      }
      if (cookie) {
        cluster ??= await trpcQuery(consoleUrl, "clusters.current", cookie);
        overview = cluster ? await trpcQuery(consoleUrl, "cluster.overview", cookie) : null;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(output.join("")).toContain(`console at ${consoleUrl}`);
    expect(cookie).not.toBeNull();
    expect(cluster).toMatchObject({
      name: "local",
      bootstrap: `127.0.0.1:${kafkaPort}`,
      httpEndpoint: `http://127.0.0.1:${httpPort}`,
      isDefault: true,
    });
    expect(overview?.brokers).toEqual([expect.objectContaining({ nodeId: 1, live: true })]);
    // The S3 credentials and PostgreSQL password stay out of what it prints.
    expect(output.join("")).not.toMatch(/postgresql:\/\/[^@\s]+:[^@\s]+@/);
    expect(output.join("")).not.toContain("S3RVER");

    const exited = new Promise<number | null>((resolve) => start?.once("exit", (code) => resolve(code)));
    start.kill("SIGINT");
    expect(await exited).toBe(0);
    for (const port of [kafkaPort, httpPort, consolePort]) expect(await listening(port)).toBe(false);
  });
});
