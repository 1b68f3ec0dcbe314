// The lag-correlation router: "why is this group lagging?": a group's lag beside the substrate's signals. (Placeholder; being built.)
import { createTRPCRouter } from "../trpc.js";

export const lagCorrelationRouter = createTRPCRouter({});
