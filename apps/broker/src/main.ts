#!/usr/bin/env node
// Starts one broker from flags and STREAMBED_* environment variables, and stops it cleanly on
// SIGTERM/SIGINT (in-flight writes made durable, connections closed, embedded PostgreSQL stopped).
import { pino } from "pino";
import { Broker } from "./broker.js";
import { loadBrokerConfig, usage } from "./config.js";
import { parseBootstrapUser } from "./security/credential-store.js";
import { resolveListeners } from "./security/listeners.js";
import { onShutdownSignals } from "./shutdown-signals.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage());
    return;
  }
  let config: ReturnType<typeof loadBrokerConfig>;
  let bootstrapUser: ReturnType<typeof parseBootstrapUser>;
  try {
    config = loadBrokerConfig(argv, process.env);
    resolveListeners(config);
    // Environment only, never a flag (it would show in `ps`), and never logged.
    bootstrapUser = parseBootstrapUser(process.env.STREAMBED_BOOTSTRAP_USER);
  } catch (error) {
    // Exit explicitly: a library's exit hook would otherwise end the process with status 0.
    process.stderr.write(`${(error as Error).message}\n\n${usage()}`, () => process.exit(2));
    return;
  }
  const logger = pino({ level: config.logLevel, base: { brokerId: config.brokerId } });
  const broker = await Broker.start(config, logger, { ...(bootstrapUser && { bootstrapUser }) });

  onShutdownSignals(() => broker.stop(), {
    stopping: (signal) => logger.info({ signal }, "shutting down"),
    stopped: () => logger.info("stopped"),
    failed: (error) => logger.error({ err: error }, "unclean shutdown"),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`broker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
