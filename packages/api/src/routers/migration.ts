// The migration router: per-engine migration runbooks. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const migrationRouter = createTRPCRouter({});
