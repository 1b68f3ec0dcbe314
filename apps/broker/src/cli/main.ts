#!/usr/bin/env node
import { addAcls, listAcls, removeAcls } from "./acls.js";
// `npm run streambed -- users|acls ...`: the operator CLI. Parses the command line, connects to a
// broker as an admin client, runs one command and prints its table (or JSON); the exit status says
// whether it was done (0), refused by the broker (1) or not understood (2).
import { AdminConnection, type ConnectionSettings, resolveConnectionSettings } from "./admin-connection.js";
import {
  AdminConnectionError,
  BrokerRefusal,
  BrokerRefusals,
  EXIT_OK,
  EXIT_REFUSED,
  EXIT_USAGE,
  UsageError,
} from "./cli-errors.js";
import { type Command, type Invocation, parseCommandLine, USAGE } from "./command-line.js";
import type { CommandOutput } from "./output.js";
import { readNewPassword } from "./password-input.js";
import { deleteUser, listUsers, setUser } from "./users.js";

async function run(argv: readonly string[]): Promise<number> {
  let invocation: Invocation | undefined;
  try {
    invocation = parseCommandLine(argv);
    if (invocation.command.name === "help") {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const settings = resolveConnectionSettings(invocation.connection, process.env);
    // The new password is read before connecting, so that a slow typist does not hold a session open.
    const password =
      invocation.command.name === "users set"
        ? await readNewPassword(invocation.command.user, {
            ...(invocation.command.passwordEnvironmentVariable !== undefined && {
              environmentVariable: invocation.command.passwordEnvironmentVariable,
            }),
            env: process.env,
            stdin: process.stdin,
            prompts: process.stderr,
          })
        : undefined;
    const output = await execute(invocation.command, settings, password);
    process.stdout.write(invocation.json ? `${JSON.stringify(output.json, null, 2)}\n` : output.text);
    return EXIT_OK;
  } catch (error) {
    return report(error, invocation?.json ?? false);
  }
}

async function execute(
  command: Exclude<Command, { name: "help" }>,
  settings: ConnectionSettings,
  password: string | undefined,
): Promise<CommandOutput> {
  const connection = await AdminConnection.connect(settings);
  try {
    switch (command.name) {
      case "users list":
        return await listUsers(connection);
      case "users set":
        return await setUser(connection, { ...command, password: password ?? "" });
      case "users delete":
        return await deleteUser(connection, command);
      case "acls list":
        return await listAcls(connection, command.filter);
      case "acls add":
        return await addAcls(connection, command.bindings);
      case "acls remove":
        return await removeAcls(connection, command.bindings);
    }
  } finally {
    connection.close();
  }
}

/** Prints a failure on stderr (as JSON with --json) and returns its exit status. */
function report(error: unknown, json: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`streambed: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const refusals =
    error instanceof BrokerRefusal ? [error] : error instanceof BrokerRefusals ? error.refusals : undefined;
  if (refusals) {
    process.stderr.write(
      json
        ? `${JSON.stringify({
            errors: refusals.map((refusal) => ({
              error: refusal.kafkaError,
              message: refusal.brokerMessage,
              ...(refusal.subject !== undefined && { subject: refusal.subject }),
            })),
          })}\n`
        : refusals.map((refusal) => `streambed: ${refusal.message}\n`).join(""),
    );
    return EXIT_REFUSED;
  }
  const message =
    error instanceof AdminConnectionError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(
    json ? `${JSON.stringify({ errors: [{ error: "CONNECTION", message }] })}\n` : `streambed: ${message}\n`,
  );
  return EXIT_REFUSED;
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
