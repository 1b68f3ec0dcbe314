// The operator CLI end to end: the built dist/cli/main.js runs as a child process against a real
// broker with a SASL_PLAINTEXT listener, logged in as the bootstrap super user. Users it creates log
// in with kcat; ACLs it adds and removes change what kcat may do; refusals exit 1 with Kafka's error
// name, bad command lines exit 2; no password it handles ever shows in its output.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { type CommandResult, kcat, runCommand, uniqueName } from "../support/tools.js";

const cliScript = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "dist",
  "cli",
  "main.js",
);

const ADMIN_PASSWORD = "admin-Secret-7f3a";
const ALICE_PASSWORD = "alice-Secret-91cd";
const BOB_PASSWORD = "bob-Secret-2d4e";
const DAVE_PASSWORD = "dave-Secret-5b0f";
const TYPED_PASSWORD = "typed-on-the-command-line-8e1";
const PASSWORDS = [ADMIN_PASSWORD, ALICE_PASSWORD, BOB_PASSWORD, DAVE_PASSWORD, TYPED_PASSWORD];

let broker: BrokerProcess;

beforeAll(async () => {
  const saslPort = await freePort();
  broker = await BrokerProcess.start({
    port: saslPort,
    extraArgs: [
      "--listeners",
      `SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      "--super-users",
      "User:admin",
      "--max-auth-failures-per-minute",
      "1000",
    ],
    env: { STREAMBED_BOOTSTRAP_USER: `admin:${ADMIN_PASSWORD}` },
  });
});

afterAll(async () => {
  await broker?.stop();
});

interface Login {
  username: string;
  password: string;
}

const ADMIN: Login = { username: "admin", password: ADMIN_PASSWORD };

/** Runs the CLI as `login` against the broker; whatever it prints must not hold a password. */
async function streambed(
  args: string[],
  options: { login?: Login | null; input?: string; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  const login = options.login === undefined ? ADMIN : options.login;
  const connection = login
    ? ["--bootstrap", broker.bootstrap, "--security-protocol", "SASL_PLAINTEXT", "--username", login.username]
    : [];
  const result = await runCommand(process.execPath, [cliScript, ...args, ...connection], {
    input: options.input ?? "",
    timeoutMs: 60_000,
    env: {
      STREAMBED_BOOTSTRAP: "",
      STREAMBED_ADMIN_PASSWORD: login?.password ?? "",
      ...options.env,
    },
  });
  for (const password of PASSWORDS) {
    expect(result.stdout).not.toContain(password);
    expect(result.stderr).not.toContain(password);
  }
  return result;
}

function kcatAs(login: Login, mechanism = "SCRAM-SHA-512"): string[] {
  return [
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    `sasl.username=${login.username}`,
    "-X",
    `sasl.password=${login.password}`,
  ];
}

/** kcat -P as `login`: whether the broker accepted the record, with kcat's complaint if not. */
async function produceAs(login: Login, topic: string): Promise<{ accepted: boolean; stderr: string }> {
  const result = await runCommand(
    "kcat",
    ["-b", broker.bootstrap, ...kcatAs(login), "-P", "-t", topic, "-X", "message.timeout.ms=5000"],
    { input: "a record\n", timeoutMs: 30_000 },
  );
  return { accepted: result.code === 0 && !/authoriz/i.test(result.stderr), stderr: result.stderr };
}

interface JsonAcl {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

describe("the command line", () => {
  it("prints the usage for --help and exits 0", async () => {
    const result = await streambed(["--help"], { login: null });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: npm run streambed -- <command>");
    expect(result.stdout).toContain("acls remove");
  });

  it.each([
    ["no command", []],
    ["an unknown action", ["users", "rename", "alice"]],
    ["a user name missing", ["users", "set"]],
    ["iterations out of Kafka's bounds", ["users", "set", "alice", "--iterations", "100"]],
    ["an ACL without a resource", ["acls", "add", "--principal", "User:alice", "--operation", "READ"]],
    [
      "two resources",
      ["acls", "add", "--principal", "User:a", "--operation", "READ", "--topic", "t", "--group", "g"],
    ],
    [
      "a principal without its type",
      ["acls", "add", "--principal", "alice", "--operation", "READ", "--topic", "t"],
    ],
    [
      "an operation the resource lacks",
      ["acls", "add", "--principal", "User:a", "--operation", "WRITE", "--group", "g"],
    ],
    [
      "an unknown operation",
      ["acls", "add", "--principal", "User:a", "--operation", "PUBLISH", "--topic", "t"],
    ],
    ["an option the command does not take", ["users", "list", "--topic", "orders"]],
  ])("exits 2 with the usage for %s", async (_case, args) => {
    const result = await streambed(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: npm run streambed");
    expect(result.stdout).toBe("");
  });

  it("takes no password from argv, and does not repeat one typed there", async () => {
    const asFlag = await streambed([`--password=${TYPED_PASSWORD}`, "users", "list"]);
    expect(asFlag.code).toBe(2);
    expect(asFlag.stderr).toContain("there is no --password flag");
    const asArgument = await streambed(["users", "set", "carol", TYPED_PASSWORD]);
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain("takes one user name, got 2 arguments");
  });

  it("exits 2 when SASL is asked for without an admin password", async () => {
    const result = await streambed(["users", "list"], { login: { username: "admin", password: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("STREAMBED_ADMIN_PASSWORD");
  });
});

describe("users", () => {
  it("creates a user with the password on stdin, lists it, and kcat logs in as it with SCRAM-SHA-512", async () => {
    const set = await streambed(["users", "set", "alice"], { input: `${ALICE_PASSWORD}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(
      "set the SCRAM-SHA-256 and SCRAM-SHA-512 credentials of alice (8192 iterations)\n",
    );

    const table = await streambed(["users", "list"]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^USER\s+MECHANISM\s+ITERATIONS$/);
    expect(lines).toContainEqual(expect.stringMatching(/^alice\s+SCRAM-SHA-256\s+8192$/));
    expect(lines).toContainEqual(expect.stringMatching(/^alice\s+SCRAM-SHA-512\s+8192$/));
    expect(lines).toContainEqual(expect.stringMatching(/^admin\s+SCRAM-SHA-512\s+8192$/));

    const listed = await streambed(["users", "list", "--json"]);
    expect(JSON.parse(listed.stdout).users).toContainEqual({
      name: "alice",
      credentials: [
        { mechanism: "SCRAM-SHA-256", iterations: 8192 },
        { mechanism: "SCRAM-SHA-512", iterations: 8192 },
      ],
    });

    const alice = { username: "alice", password: ALICE_PASSWORD };
    const metadata = JSON.parse(await kcat(broker.bootstrap, [...kcatAs(alice), "-L", "-J"])) as {
      brokers: unknown[];
    };
    expect(metadata.brokers).toHaveLength(1);
    const wrong = await runCommand(
      "kcat",
      ["-b", broker.bootstrap, ...kcatAs({ username: "alice", password: "not-her-password" }), "-L"],
      { timeoutMs: 30_000 },
    );
    expect(wrong.code).not.toBe(0);
  });

  it("sets one mechanism with chosen iterations from --password-env", async () => {
    const set = await streambed(
      [
        "users",
        "set",
        "bob",
        "--mechanism",
        "SCRAM-SHA-256",
        "--iterations",
        "4096",
        "--password-env",
        "BOB_PW",
      ],
      { env: { BOB_PW: BOB_PASSWORD } },
    );
    expect(set.code, set.stderr).toBe(0);
    const listed = await streambed(["users", "list", "--json"]);
    expect(JSON.parse(listed.stdout).users).toContainEqual({
      name: "bob",
      credentials: [{ mechanism: "SCRAM-SHA-256", iterations: 4096 }],
    });
    await kcat(broker.bootstrap, [
      ...kcatAs({ username: "bob", password: BOB_PASSWORD }, "SCRAM-SHA-256"),
      "-L",
    ]);
  });

  it("deletes every credential of a user, and refuses to delete one that does not exist", async () => {
    await streambed(["users", "set", "erin", "--password-env", "ERIN_PW"], {
      env: { ERIN_PW: BOB_PASSWORD },
    });
    const deleted = await streambed(["users", "delete", "erin"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe("deleted the SCRAM-SHA-256 and SCRAM-SHA-512 credentials of erin\n");
    const listed = await streambed(["users", "list", "--json"]);
    const names = (JSON.parse(listed.stdout).users as { name: string }[]).map((user) => user.name);
    expect(names).not.toContain("erin");

    const again = await streambed(["users", "delete", "erin"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("RESOURCE_NOT_FOUND");
  });

  it("exits 1 with SASL_AUTHENTICATION_FAILED when the admin password is wrong", async () => {
    const result = await streambed(["users", "list"], {
      login: { username: "admin", password: TYPED_PASSWORD },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SASL_AUTHENTICATION_FAILED");
  });

  it("reads the admin password from --password-file", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "streambed-cli-"));
    const file = path.join(directory, "admin-password");
    writeFileSync(file, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    const result = await streambed(["users", "list", "--password-file", file], {
      login: { username: "admin", password: "" },
    }).finally(() => rmSync(directory, { recursive: true, force: true }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^admin\s+SCRAM-SHA-256/m);
  });

  it("never lets a password reach the broker's log", () => {
    for (const password of PASSWORDS) expect(broker.logs()).not.toContain(password);
  });
});

describe("acls", () => {
  const dave: Login = { username: "dave", password: DAVE_PASSWORD };

  beforeAll(async () => {
    const set = await streambed(["users", "set", "dave"], { input: `${DAVE_PASSWORD}\n` });
    expect(set.code, set.stderr).toBe(0);
  });

  it("lets kcat produce as a user after acls add --operation WRITE, and not after acls remove", async () => {
    const topic = uniqueName("cli-acl");
    // The super user creates the topic (auto-creation), so that only WRITE is in question below.
    await kcat(broker.bootstrap, [...kcatAs(ADMIN), "-P", "-t", topic], { input: "first\n" });
    const refused = await produceAs(dave, topic);
    expect(refused.accepted).toBe(false);
    expect(refused.stderr).toMatch(/authoriz/i);

    const binding = ["--principal", "User:dave", "--operation", "WRITE", "--topic", topic];
    const added = await streambed(["acls", "add", ...binding]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain("added 1 ACL:");
    expect(added.stdout).toMatch(
      new RegExp(`User:dave\\s+ALLOW\\s+WRITE\\s+\\*\\s+TOPIC\\s+${topic}\\s+LITERAL`),
    );

    const listed = await streambed(["acls", "list", "--principal", "User:dave", "--json"]);
    expect(JSON.parse(listed.stdout).acls).toEqual([
      {
        resourceType: "TOPIC",
        resourceName: topic,
        patternType: "LITERAL",
        principal: "User:dave",
        host: "*",
        operation: "WRITE",
        permissionType: "ALLOW",
      },
    ]);
    const produced = await produceAs(dave, topic);
    expect(produced.accepted, produced.stderr).toBe(true);

    const removed = await streambed(["acls", "remove", ...binding]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain("removed 1 ACL:");
    expect(removed.stdout).toMatch(new RegExp(`User:dave\\s+ALLOW\\s+WRITE\\s+\\*\\s+TOPIC\\s+${topic}`));
    const after = await streambed(["acls", "list", "--principal", "User:dave"]);
    expect(after.stdout).toBe("no matching ACLs\n");
    const refusedAgain = await produceAs(dave, topic);
    expect(refusedAgain.accepted).toBe(false);
    expect(refusedAgain.stderr).toMatch(/authoriz/i);
  });

  it("selects by resource and pattern, and removes only bindings matching exactly", async () => {
    const prefix = `${uniqueName("cli-team")}.`;
    const secrets = uniqueName("cli-secrets");
    const grant = [
      "--principal",
      "User:frank",
      "--operation",
      "Read,describe",
      "--group",
      prefix,
      "--prefixed",
    ];
    const deny = [
      "--principal",
      "User:frank",
      "--operation",
      "ALL",
      "--topic",
      secrets,
      "--deny",
      "--host",
      "10.0.0.1",
    ];
    expect((await streambed(["acls", "add", ...grant])).code).toBe(0);
    expect((await streambed(["acls", "add", ...deny])).code).toBe(0);

    const groups = await streambed(["acls", "list", "--group", prefix, "--prefixed", "--json"]);
    expect(
      (JSON.parse(groups.stdout).acls as JsonAcl[]).map((acl) => [acl.patternType, acl.operation]),
    ).toEqual([
      ["PREFIXED", "DESCRIBE"],
      ["PREFIXED", "READ"],
    ]);
    const eitherPattern = await streambed(["acls", "list", "--group", prefix, "--json"]);
    expect(JSON.parse(eitherPattern.stdout).acls).toHaveLength(2);
    const topics = await streambed(["acls", "list", "--topic", secrets]);
    expect(topics.stdout).toMatch(
      new RegExp(`User:frank\\s+DENY\\s+ALL\\s+10\\.0\\.0\\.1\\s+TOPIC\\s+${secrets}`),
    );
    const frank = await streambed(["acls", "list", "--principal", "User:frank", "--json"]);
    expect(JSON.parse(frank.stdout).acls).toHaveLength(3);

    // The same binding but ALLOW instead of DENY is another binding: nothing goes.
    const notExact = await streambed(["acls", "remove", ...deny.filter((arg) => arg !== "--deny")]);
    expect(notExact.code).toBe(0);
    expect(notExact.stdout).toBe("no matching ACLs: nothing was removed\n");
    const onlyRead = await streambed([
      "acls",
      "remove",
      "--principal",
      "User:frank",
      "--operation",
      "READ",
      "--group",
      prefix,
      "--prefixed",
      "--json",
    ]);
    expect((JSON.parse(onlyRead.stdout).removed as JsonAcl[]).map((acl) => acl.operation)).toEqual(["READ"]);
    const left = await streambed(["acls", "list", "--principal", "User:frank", "--json"]);
    expect((JSON.parse(left.stdout).acls as JsonAcl[]).map((acl) => acl.operation).sort()).toEqual([
      "ALL",
      "DESCRIBE",
    ]);
  });

  it("exits 1 with CLUSTER_AUTHORIZATION_FAILED when a user without ALTER on the cluster adds ACLs", async () => {
    const result = await streambed(
      ["acls", "add", "--principal", "User:dave", "--operation", "READ", "--topic", "x"],
      {
        login: dave,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CLUSTER_AUTHORIZATION_FAILED");
    expect(result.stdout).toBe("");

    const asJson = await streambed(["users", "list", "--json"], { login: dave });
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stderr).errors[0].error).toBe("CLUSTER_AUTHORIZATION_FAILED");

    const listed = await streambed(["acls", "list", "--principal", "User:dave", "--json"]);
    expect(JSON.parse(listed.stdout).acls).toEqual([]);
  });
});
