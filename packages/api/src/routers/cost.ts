// The cost router: the cost model: price sheets, measured usage, and the comparison with Kafka. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const costRouter = createTRPCRouter({});
