// The console users router (admins only): who may log in to the console and with which role —
// admin (everything), operator (changes to topics, groups and governance data) or viewer (reads).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { hashPassword } from "../auth/passwords.js";
import { ROLES } from "../auth/sessions.js";
import { adminProcedure, createTRPCRouter } from "../trpc.js";
import { newPassword } from "./auth.js";

const role = z.enum(ROLES as [string, ...string[]], { error: "admin, operator or viewer" });
const userId = z.object({ id: z.uuid("not a user id") });

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(async ({ ctx }) =>
    (await ctx.db.consoleUser.findMany({ orderBy: { email: "asc" } })).map((user) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      disabled: user.disabled,
      mustChangePassword: user.mustChangePassword,
      lastLoginAt: user.lastLoginAt,
    })),
  ),

  create: adminProcedure
    .input(
      z.object({
        email: z.email("an e-mail address").trim().toLowerCase(),
        name: z.string().trim().min(1, "a name is required").max(128),
        role,
        password: newPassword,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.db.$transaction(async (tx) => {
          const user = await tx.consoleUser.create({
            data: {
              email: input.email,
              name: input.name,
              role: input.role,
              passwordHash: await hashPassword(input.password),
              mustChangePassword: true,
            },
          });
          await recordAudit(tx, {
            actor: ctx.actor,
            action: "console.user.create",
            target: `user:${user.email}`,
            after: { email: user.email, name: user.name, role: user.role },
          });
          return { id: user.id };
        });
      } catch (error) {
        if ((error as { code?: string }).code === "P2002")
          throw new TRPCError({ code: "CONFLICT", message: `${input.email} already has a console login` });
        throw error;
      }
    }),

  setRole: adminProcedure.input(userId.extend({ role })).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id)
      throw new TRPCError({ code: "BAD_REQUEST", message: "ask another admin to change your own role" });
    return ctx.db.$transaction(async (tx) => {
      const before = await tx.consoleUser.findUnique({ where: { id: input.id } });
      if (!before) throw new TRPCError({ code: "NOT_FOUND", message: "no such user" });
      await tx.consoleUser.update({ where: { id: input.id }, data: { role: input.role } });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "console.user.role",
        target: `user:${before.email}`,
        before: { role: before.role },
        after: { role: input.role },
      });
      return { id: input.id };
    });
  }),

  remove: adminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id)
      throw new TRPCError({ code: "BAD_REQUEST", message: "you cannot remove yourself" });
    return ctx.db.$transaction(async (tx) => {
      const user = await tx.consoleUser.findUnique({ where: { id: input.id } });
      if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "no such user" });
      await tx.consoleUser.delete({ where: { id: input.id } });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "console.user.remove",
        target: `user:${user.email}`,
        before: { email: user.email, role: user.role },
      });
      return { id: input.id };
    });
  }),
});
