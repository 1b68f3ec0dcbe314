// A request's input errors by field, as the server's zod validation reports them: forms show each
// under its field, and the errors of list items ("reads.1") count for the list ("reads").

export function inputError(error: unknown, field: string): string | null {
  const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> | null } } | null)?.data
    ?.fieldErrors;
  if (!fieldErrors) return null;
  const messages = Object.entries(fieldErrors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .map(([path, message]) =>
      path === field ? message : `${message} (item ${Number(path.split(".")[1]) + 1})`,
    );
  return messages.length > 0 ? messages.join("; ") : null;
}
