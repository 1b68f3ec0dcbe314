// The masking router: rules that hide parts of message values in the message browser from roles
// that may not see them. Anyone logged in may read the rules; admins change them; audited.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { ROLES } from "../auth/sessions.js";
import { parseFieldPath } from "../governance/masking.js";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "../trpc.js";

export const maskingRuleInput = z
  .object({
    topicPattern: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9._-]+\*?$/, "a topic name, or a prefix ending in *"),
    fieldPath: z
      .string()
      .trim()
      .max(300)
      .nullish()
      .transform((value) => value || null)
      .superRefine((value, context) => {
        if (!value) return;
        try {
          parseFieldPath(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    regex: z
      .string()
      .max(300)
      .nullish()
      .transform((value) => value || null)
      .superRefine((value, context) => {
        if (!value) return;
        try {
          new RegExp(value, "g");
        } catch (error) {
          context.addIssue({
            code: "custom",
            message: `not a regular expression: ${(error as Error).message}`,
          });
        }
      }),
    exemptRoles: z
      .array(z.enum(ROLES as [string, ...string[]]))
      .max(3)
      .default(["admin"]),
  })
  .refine((rule) => rule.fieldPath || rule.regex, {
    message: "a field path or a regular expression",
    path: ["fieldPath"],
  });

export const maskingRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => ctx.db.maskingRule.findMany({ orderBy: { createdAt: "asc" } })),
  create: adminProcedure.input(maskingRuleInput).mutation(async ({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const rule = await tx.maskingRule.create({ data: input });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "masking.create",
        target: `topics:${input.topicPattern}`,
        after: input,
      });
      return { id: rule.id };
    }),
  ),
  remove: adminProcedure.input(z.object({ id: z.uuid("not a rule id") })).mutation(async ({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const rule = await tx.maskingRule.findUnique({ where: { id: input.id } });
      if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: "no such masking rule" });
      await tx.maskingRule.delete({ where: { id: input.id } });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "masking.remove",
        target: `topics:${rule.topicPattern}`,
        before: rule,
      });
      return { id: input.id };
    }),
  ),
});
