// A review's export as a file download, shared by the Markdown and PDF routes: the session's user
// reads it through the reviews router (so its role checks apply), and the answer is an attachment.
import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { consoleServer, loadApi } from "~/server/console-server";

/** By name: the API is loaded by Node at run time, so its TRPCError is not this bundle's class. */
function isTrpcError(error: unknown): error is TRPCError {
  return error instanceof Error && error.name === "TRPCError";
}

export async function reviewFile(
  request: Request,
  id: string,
  format: "markdown" | "pdf",
): Promise<Response> {
  const server = await consoleServer();
  const context = await server.createContext(request);
  if (!context.user) return Response.json({ error: "log in to the console first" }, { status: 401 });
  try {
    const file = await (await loadApi()).createCaller(context).reviews.export({ id, format });
    const body = file.encoding === "base64" ? new Uint8Array(Buffer.from(file.body, "base64")) : file.body;
    return new Response(body, {
      headers: {
        "content-type": file.contentType,
        // The name is a slug of [a-z0-9-] and the date: nothing to quote or escape.
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (isTrpcError(error))
      return Response.json({ error: error.message }, { status: getHTTPStatusCodeFromError(error) });
    throw error;
  }
}
