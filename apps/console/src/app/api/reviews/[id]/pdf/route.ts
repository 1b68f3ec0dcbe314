// A readiness review downloaded as PDF (any logged-in user). Outside tRPC because a browser
// download wants a plain GET with a file name.
import { reviewFile } from "../../review-file";

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  return reviewFile(request, (await params).id, "pdf");
}
