// The tRPC endpoint: each request runs against the console server, as the user its session cookie
// names, on the cluster its selection cookie names. Mutations must come from the console's own
// pages (see forgeryProblem); the answer may set the session cookie (login, logout).
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { consoleRouter, consoleServer, loadApi } from "~/server/console-server";

async function handler(request: Request): Promise<Response> {
  const problem = (await loadApi()).forgeryProblem(request);
  if (problem) return Response.json({ error: { message: `refused: ${problem}` } }, { status: 403 });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: await consoleRouter(),
    createContext: async ({ resHeaders }) => {
      try {
        return await (await consoleServer()).createContext(request, resHeaders);
      } catch (error) {
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: (error as Error).message, cause: error });
      }
    },
  });
}

export { handler as GET, handler as POST };
