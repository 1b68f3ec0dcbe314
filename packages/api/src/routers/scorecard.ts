// The scorecard router: the readiness scorecard. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const scorecardRouter = createTRPCRouter({});
