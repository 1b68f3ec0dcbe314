// The tRPC endpoint: every request gets an admin client for the cluster in STREAMBED_BOOTSTRAP.
import { appRouter, KafkaAdminClient } from "@streambed/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

const bootstrap = (process.env.STREAMBED_BOOTSTRAP ?? "127.0.0.1:9092")
  .split(",")
  .map((broker) => broker.trim());
const kafka = new KafkaAdminClient(bootstrap);

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => ({ kafka }),
  });
}

export { handler as GET, handler as POST };
