// The audit log exported as CSV (any logged-in user; the same filters as the page), downloaded as
// a file. Outside tRPC because a browser download wants a plain GET with a file name.
import { consoleServer, loadApi } from "~/server/console-server";

export async function GET(request: Request): Promise<Response> {
  const server = await consoleServer();
  const context = await server.createContext(request);
  if (!context.user) return Response.json({ error: "log in to the console first" }, { status: 401 });
  const url = new URL(request.url);
  const csv = await (await loadApi()).auditCsv(context.db, {
    target: url.searchParams.get("target"),
    action: url.searchParams.get("action"),
  });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="streambed-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
