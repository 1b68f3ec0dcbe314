// Next.js calls register() once when the server starts: start the console server then, so the
// sampler records lag and traffic even before anyone opens a page.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { consoleServer } = await import("./server/console-server");
  await consoleServer().catch((error: unknown) => {
    console.error(
      JSON.stringify({ level: "error", msg: "console server did not start", err: (error as Error).message }),
    );
  });
}
