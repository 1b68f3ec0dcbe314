// The reviews router: readiness reviews. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const reviewsRouter = createTRPCRouter({});
