// The alerts router: lag alert rules, their evaluation state and history. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const alertsRouter = createTRPCRouter({});
