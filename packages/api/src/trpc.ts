// tRPC's context and procedure builders: every procedure gets the selected cluster's admin client;
// a cluster that does not answer becomes a SERVICE_UNAVAILABLE error the pages show as such.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ClusterUnavailableError, type KafkaAdminClient } from "./kafka/admin-client.js";

export interface Context {
  kafka: KafkaAdminClient;
}

const t = initTRPC.context<Context>().create({ transformer: superjson });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps a cluster that is down to SERVICE_UNAVAILABLE with the reason, instead of a bare 500. */
const clusterErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ClusterUnavailableError) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: result.error.cause.message,
      cause: result.error.cause,
    });
  }
  return result;
});

export const publicProcedure = t.procedure.use(clusterErrors);
