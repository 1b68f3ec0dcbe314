// The observability router: broker metrics as time series for the console's charts. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const observabilityRouter = createTRPCRouter({});
