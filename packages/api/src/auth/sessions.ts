// Console sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
// its SHA-256, so a leaked database row cannot be replayed as a cookie.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@streambed/db";

export const SESSION_COOKIE = "streambed-session";
export const SESSION_TTL_MS = 12 * 3_600_000;

export type Role = "admin" | "operator" | "viewer";
export const ROLES: readonly Role[] = ["admin", "operator", "viewer"];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  db: PrismaClient,
  userId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.consoleSession.create({ data: { tokenHash: tokenHash(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function sessionUser(db: PrismaClient, token: string | null): Promise<SessionUser | null> {
  if (!token) return null;
  const session = await db.consoleSession.findUnique({
    where: { tokenHash: tokenHash(token) },
    include: { user: true },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabled) return null;
  const { user } = session;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    mustChangePassword: user.mustChangePassword,
  };
}

export async function endSession(db: PrismaClient, token: string | null): Promise<void> {
  if (token) await db.consoleSession.deleteMany({ where: { tokenHash: tokenHash(token) } });
}

/** The Set-Cookie header value for a session (or its removal, with an empty token). */
export function sessionCookie(token: string, expiresAt: Date | null, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  parts.push(expiresAt ? `Expires=${expiresAt.toUTCString()}` : "Max-Age=0");
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function cookieValue(headers: Headers, name: string): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}
