// Console logins against real PostgreSQL: the session cookie, wrong passwords, the forced password
// change, logging out, console users managed by an admin, and the first admin of an empty console.

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startConsoleServer } from "../../src/console-server.js";
import { createCaller } from "../../src/root.js";
import {
  type ConsoleTestContext,
  consoleTestContext,
  refusal,
  TEST_PASSWORD,
} from "../support/console-context.js";

let context: ConsoleTestContext;
beforeAll(async () => {
  context = await consoleTestContext();
});
afterAll(async () => context?.close());

/** A caller as a browser would be: the session from a cookie, Set-Cookie collected. */
async function browser(cookie: string | null) {
  const { sessionUser } = await import("../../src/auth/sessions.js");
  const responseHeaders = new Headers();
  const user = await sessionUser(context.db, cookie);
  const caller = createCaller({
    db: context.db,
    connections: context.connections,
    user,
    actor: user?.email ?? "anonymous",
    selectedClusterId: null,
    sessionToken: cookie,
    responseHeaders,
    secureCookies: true,
  });
  return { caller, responseHeaders };
}

function sessionToken(headers: Headers): string {
  const cookie = headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/^streambed-session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Expires=.+; Secure$/);
  return cookie.split(";")[0]!.split("=")[1]!;
}

describe("auth router", () => {
  it("logs in with the right password, sets a session cookie, and knows who is logged in", async () => {
    const { caller, responseHeaders } = await browser(null);
    const result = await caller.auth.login({ email: "Operator@Example.com ", password: TEST_PASSWORD });
    expect(result).toEqual({ email: "operator@example.com", role: "operator", mustChangePassword: false });
    const token = sessionToken(responseHeaders);
    const session = await browser(token);
    expect(await session.caller.auth.me()).toMatchObject({ email: "operator@example.com", role: "operator" });
    // Only the token's hash is stored.
    expect(await context.db.consoleSession.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("refuses a wrong password without saying which half was wrong, and audits the attempt", async () => {
    const { caller } = await browser(null);
    for (const email of ["viewer@example.com", "nobody@example.com"]) {
      const refused = await refusal(caller.auth.login({ email, password: "not the password" }));
      expect(refused).toEqual({ code: "UNAUTHORIZED", message: "wrong e-mail or password" });
    }
    const failures = await context.caller().audit.list({ action: "console.login.failed" });
    expect(failures.map((event) => event.target).sort()).toEqual([
      "user:nobody@example.com",
      "user:viewer@example.com",
    ]);
  });

  it("a new user must change the one-time password before anything else", async () => {
    await context.caller().users.create({
      email: "new@example.com",
      name: "New",
      role: "operator",
      password: "one-time password 1",
    });
    const login = await browser(null);
    expect(
      (await login.caller.auth.login({ email: "new@example.com", password: "one-time password 1" }))
        .mustChangePassword,
    ).toBe(true);
    const session = await browser(sessionToken(login.responseHeaders));
    expect((await refusal(session.caller.topics.list())).message).toBe(
      "choose a new password before anything else",
    );
    const short = await refusal(
      session.caller.auth.changePassword({ currentPassword: "one-time password 1", newPassword: "short" }),
    );
    expect(short.message).toContain("at least 12 characters");
    const wrong = await refusal(
      session.caller.auth.changePassword({ currentPassword: "guess", newPassword: "a much better password" }),
    );
    expect(wrong.message).toBe("the current password is wrong");
    await session.caller.auth.changePassword({
      currentPassword: "one-time password 1",
      newPassword: "a much better password",
    });
    const after = await browser(sessionToken(login.responseHeaders));
    expect((await after.caller.auth.me())?.mustChangePassword).toBe(false);
    expect(Array.isArray(await after.caller.audit.list({}))).toBe(true);
  });

  it("logging out ends the session", async () => {
    const login = await browser(null);
    await login.caller.auth.login({ email: "viewer@example.com", password: TEST_PASSWORD });
    const token = sessionToken(login.responseHeaders);
    const session = await browser(token);
    await session.caller.auth.logout();
    expect(session.responseHeaders.get("set-cookie")).toContain("Max-Age=0");
    expect(await (await browser(token)).caller.auth.me()).toBeNull();
  });

  it("admins manage console users and roles, but not their own", async () => {
    const admin = context.caller("admin@example.com");
    const duplicate = await refusal(
      admin.users.create({
        email: "viewer@example.com",
        name: "V",
        role: "viewer",
        password: "long enough password",
      }),
    );
    expect(duplicate.code).toBe("CONFLICT");
    const badRole = await refusal(
      // @ts-expect-error a role outside the list
      admin.users.create({
        email: "x@example.com",
        name: "X",
        role: "root",
        password: "long enough password",
      }),
    );
    expect(badRole.code).toBe("BAD_REQUEST");
    await admin.users.setRole({ id: context.users.viewer.id, role: "operator" });
    expect((await admin.users.list()).find((user) => user.email === "viewer@example.com")?.role).toBe(
      "operator",
    );
    expect((await refusal(admin.users.setRole({ id: context.users.admin.id, role: "viewer" }))).code).toBe(
      "BAD_REQUEST",
    );
    expect((await refusal(admin.users.remove({ id: context.users.admin.id }))).message).toBe(
      "you cannot remove yourself",
    );
    const roleEvents = await admin.audit.list({ action: "console.user.role" });
    expect(roleEvents[0]).toMatchObject({ before: { role: "viewer" }, after: { role: "operator" } });
  });
});

describe("the first admin", () => {
  it("an empty console gets admin@localhost with a one-time password, announced once", async () => {
    await context.db.$executeRawUnsafe("TRUNCATE console_sessions, console_users CASCADE");
    const announced: string[] = [];
    const server = await startConsoleServer({
      databaseUrl: inject("databaseUrl"),
      sampleIntervalMs: 0,
      announce: (line) => announced.push(line),
    });
    const again = await startConsoleServer({
      databaseUrl: inject("databaseUrl"),
      sampleIntervalMs: 0,
      announce: (line) => announced.push(line),
    });
    await server.stop();
    await again.stop();
    expect(announced).toHaveLength(1);
    const password = /one-time password (\S+)/.exec(announced[0] ?? "")?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(20);
    const { caller } = await browser(null);
    expect(await caller.auth.login({ email: "admin@localhost", password })).toEqual({
      email: "admin@localhost",
      role: "admin",
      mustChangePassword: true,
    });
  });

  it("or the one named by the environment, whose password must be strong enough", async () => {
    await context.db.$executeRawUnsafe("TRUNCATE console_sessions, console_users CASCADE");
    await expect(
      startConsoleServer({
        databaseUrl: inject("databaseUrl"),
        sampleIntervalMs: 0,
        firstAdmin: { email: "ops@example.com", password: "short" },
      }),
    ).rejects.toThrow("at least 12 characters");
    const server = await startConsoleServer({
      databaseUrl: inject("databaseUrl"),
      sampleIntervalMs: 0,
      firstAdmin: { email: "ops@example.com", password: TEST_PASSWORD },
    });
    await server.stop();
    const { caller } = await browser(null);
    expect(
      (await caller.auth.login({ email: "ops@example.com", password: TEST_PASSWORD })).mustChangePassword,
    ).toBe(false);
  });
});
