// The auth router: logging in and out of the console, who is logged in, and changing one's own
// password (required after logging in with a one-time password). Failed logins are slowed down
// and say nothing about which half was wrong.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/passwords.js";
import { createSession, endSession, sessionCookie } from "../auth/sessions.js";
import { createTRPCRouter, passwordChangeProcedure, publicProcedure } from "../trpc.js";

/** A failed login is answered after this long, so guessing is slow. */
const FAILED_LOGIN_DELAY_MS = 500;

export const newPassword = z.string().superRefine((password, context) => {
  const problem = passwordProblem(password);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

export const authRouter = createTRPCRouter({
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ email: z.string().trim().toLowerCase().max(320), password: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.consoleUser.findUnique({ where: { email: input.email } });
      const valid =
        user !== null && !user.disabled && (await verifyPassword(input.password, user.passwordHash));
      if (!user || !valid) {
        await new Promise((resolve) => setTimeout(resolve, FAILED_LOGIN_DELAY_MS));
        await recordAudit(ctx.db, {
          actor: input.email || "anonymous",
          action: "console.login.failed",
          target: `user:${input.email}`,
        });
        throw new TRPCError({ code: "UNAUTHORIZED", message: "wrong e-mail or password" });
      }
      const session = await createSession(ctx.db, user.id);
      await ctx.db.consoleUser.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      ctx.responseHeaders?.append(
        "set-cookie",
        sessionCookie(session.token, session.expiresAt, ctx.secureCookies),
      );
      await recordAudit(ctx.db, { actor: user.email, action: "console.login", target: `user:${user.email}` });
      return { email: user.email, role: user.role, mustChangePassword: user.mustChangePassword };
    }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await endSession(ctx.db, ctx.sessionToken);
    ctx.responseHeaders?.append("set-cookie", sessionCookie("", null, ctx.secureCookies));
    return { loggedOut: true };
  }),

  changePassword: passwordChangeProcedure
    .input(z.object({ currentPassword: z.string().max(200), newPassword }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.consoleUser.findUniqueOrThrow({ where: { id: ctx.user.id } });
      if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
        throw new TRPCError({ code: "BAD_REQUEST", message: "the current password is wrong" });
      if (input.currentPassword === input.newPassword)
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "choose a password different from the current one",
        });
      await ctx.db.$transaction(async (tx) => {
        await tx.consoleUser.update({
          where: { id: user.id },
          data: { passwordHash: await hashPassword(input.newPassword), mustChangePassword: false },
        });
        await recordAudit(tx, {
          actor: user.email,
          action: "console.user.password",
          target: `user:${user.email}`,
        });
      });
      return { changed: true };
    }),
});
