// The address of the access page for a principal, so pages that show one can link to what it can do.
// The colon of "User:alice" is allowed in a query and stays unescaped, so the address reads well.

export function principalAccessHref(principal: string): string {
  return `/iam/access?principal=${encodeURIComponent(principal).replace("%3A", ":")}`;
}
