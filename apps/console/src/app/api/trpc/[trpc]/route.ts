// The tRPC endpoint: each request runs against the console server, with the acting user from the
// authenticating proxy's headers and the cluster from the browser's selection cookie.
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { consoleRouter, consoleServer } from "~/server/console-server";

async function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: await consoleRouter(),
    createContext: async () => {
      try {
        return (await consoleServer()).createContext(request);
      } catch (error) {
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: (error as Error).message, cause: error });
      }
    },
  });
}

export { handler as GET, handler as POST };
