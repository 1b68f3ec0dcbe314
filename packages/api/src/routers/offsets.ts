// The offsets router: consumer-group offset snapshots and restores. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const offsetsRouter = createTRPCRouter({});
