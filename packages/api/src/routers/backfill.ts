// The backfill router: backfill tests run from the console. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const backfillRouter = createTRPCRouter({});
