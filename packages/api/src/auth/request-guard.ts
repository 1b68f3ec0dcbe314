// Cross-site request forgery guard for the tRPC endpoint: a mutation must come from the console's
// own pages — a JSON body (which a cross-site form cannot send without a CORS preflight the server
// never grants) and, when the browser names it, the console's own origin. The session cookie is
// SameSite=Strict as well.

export function forgeryProblem(request: Request): string | null {
  if (request.method !== "POST") return null;
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/json")) return "mutations must send JSON";
  const origin = request.headers.get("origin");
  if (origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "a malformed Origin header";
    }
    if (!host || originHost !== host) return `a request from ${origin} may not change this console`;
  }
  return null;
}
