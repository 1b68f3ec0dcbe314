// The operator CLI's command line: `users|acls <action> [arguments] [options]` into one command,
// its connection flags and the output format, or a UsageError. There is deliberately no flag for
// a password: errors name flags and count arguments but never repeat what was typed.
import { parseArgs } from "node:util";
import type { AclBinding, AclBindingFilter } from "../security/acl.js";
import {
  DEFAULT_ITERATIONS,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  type ScramMechanismName,
} from "../security/sasl/scram-credential.js";
import { aclBindingsFromFlags, aclListFilterFromFlags } from "./acls.js";
import type { ConnectionFlags } from "./admin-connection.js";
import { UsageError } from "./cli-errors.js";

export const USAGE = `Usage: npm run streambed -- <command> [options]

Manages a Streambed cluster's SCRAM users and ACLs over the Kafka protocol, as an admin client.

Commands:
  users list                      users and the SCRAM mechanisms they have
  users set <name>                create a user or change its password, read from stdin (its
                                  first line; typed twice, unechoed, on a terminal)
    --mechanism <m>               SCRAM-SHA-256, SCRAM-SHA-512 or both (default both)
    --iterations <n>              ${MIN_ITERATIONS}-${MAX_ITERATIONS} (default ${DEFAULT_ITERATIONS})
    --password-env <VAR>          take the password from this environment variable instead
  users delete <name>             delete a user's credentials
    --mechanism <m>               only this mechanism's (default every one the user has)
  acls list [selectors]           ACLs, all or those naming the principal and/or resource
  acls add <binding>              add ACLs, one per operation
  acls remove <binding>           remove exactly the ACLs \`acls add <binding>\` adds; prints them

Selectors and bindings:
  --principal User:<name>         who (required for add and remove)
  --topic <t> | --group <g> | --cluster | --transactional-id <id>
                                  which resource (one; required for add and remove)
  --prefixed                      the name is a prefix (PREFIXED; default LITERAL for add and
                                  remove, either pattern for list)
  --operation <op>[,<op>...]      add and remove: ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE,
                                  CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
  --deny                          add and remove: a DENY binding (default ALLOW)
  --host <h>                      add and remove: the client host (default *, any)

Connection:
  --bootstrap <host:port>[,...]   a broker (env STREAMBED_BOOTSTRAP; default 127.0.0.1:9092)
  --security-protocol <p>         PLAINTEXT (default), SASL_PLAINTEXT, SASL_SSL or SSL
  --sasl-mechanism <m>            SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN
  --username <name>               the admin user for SASL
  --password-file <file>          its password (first line); or env STREAMBED_ADMIN_PASSWORD
  --ca-file <file>                PEM CA bundle the broker's certificate must chain to (TLS)

Output:
  --json                          one JSON document instead of a table
  -h, --help                      this text

Exit status: 0 done; 1 the broker refused (its Kafka error is printed) or could not be reached;
2 usage error. Passwords are never taken from the command line, printed or logged.
`;

export type Command =
  | { name: "help" }
  | { name: "users list" }
  | {
      name: "users set";
      user: string;
      mechanisms: ScramMechanismName[];
      iterations: number;
      passwordEnvironmentVariable?: string;
    }
  | { name: "users delete"; user: string; mechanisms?: ScramMechanismName[] }
  | { name: "acls list"; filter: AclBindingFilter }
  | { name: "acls add"; bindings: AclBinding[] }
  | { name: "acls remove"; bindings: AclBinding[] };

export interface Invocation {
  command: Command;
  connection: ConnectionFlags;
  json: boolean;
}

const OPTIONS = {
  bootstrap: { type: "string" },
  "security-protocol": { type: "string" },
  "sasl-mechanism": { type: "string" },
  username: { type: "string" },
  "password-file": { type: "string" },
  "ca-file": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  mechanism: { type: "string" },
  iterations: { type: "string" },
  "password-env": { type: "string" },
  principal: { type: "string" },
  operation: { type: "string", multiple: true },
  topic: { type: "string" },
  group: { type: "string" },
  cluster: { type: "boolean" },
  "transactional-id": { type: "string" },
  prefixed: { type: "boolean" },
  deny: { type: "boolean" },
  host: { type: "string" },
} as const;

type OptionName = keyof typeof OPTIONS;

const CONNECTION_OPTIONS: readonly OptionName[] = [
  "bootstrap",
  "security-protocol",
  "sasl-mechanism",
  "username",
  "password-file",
  "ca-file",
  "json",
  "help",
];
const RESOURCE_OPTIONS: readonly OptionName[] = ["topic", "group", "cluster", "transactional-id", "prefixed"];
const BINDING_OPTIONS: readonly OptionName[] = [
  "principal",
  "operation",
  "deny",
  "host",
  ...RESOURCE_OPTIONS,
];

/** The options each command takes besides the connection ones, and how many arguments. */
const COMMANDS: Record<
  Exclude<Command["name"], "help">,
  { options: readonly OptionName[]; arguments: number }
> = {
  "users list": { options: [], arguments: 0 },
  "users set": { options: ["mechanism", "iterations", "password-env"], arguments: 1 },
  "users delete": { options: ["mechanism"], arguments: 1 },
  "acls list": { options: ["principal", ...RESOURCE_OPTIONS], arguments: 0 },
  "acls add": { options: BINDING_OPTIONS, arguments: 0 },
  "acls remove": { options: BINDING_OPTIONS, arguments: 0 },
};

export function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(optionError(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  const connection: ConnectionFlags = {
    bootstrap: values.bootstrap,
    securityProtocol: values["security-protocol"],
    saslMechanism: values["sasl-mechanism"],
    username: values.username,
    passwordFile: values["password-file"],
    caFile: values["ca-file"],
  };
  const json = values.json ?? false;
  if (values.help) return { command: { name: "help" }, connection, json };
  const [group, action, ...rest] = positionals;
  if (group === undefined) throw new UsageError("no command given");
  if (group !== "users" && group !== "acls")
    throw new UsageError("unknown command: the commands are users and acls");
  const name = `${group} ${action}` as keyof typeof COMMANDS;
  const shape = COMMANDS[name];
  if (action === undefined || !shape) {
    const actions = Object.keys(COMMANDS)
      .filter((command) => command.startsWith(`${group} `))
      .map((command) => command.slice(group.length + 1));
    throw new UsageError(`${group} needs an action: ${actions.join(", ")}`);
  }
  // Stray arguments are counted, not shown: one may be a password typed in the wrong place.
  if (rest.length !== shape.arguments)
    throw new UsageError(
      shape.arguments === 0
        ? `${name} takes no arguments, got ${rest.length}`
        : `${name} takes one user name, got ${rest.length} arguments`,
    );
  for (const option of Object.keys(values) as OptionName[]) {
    if (!CONNECTION_OPTIONS.includes(option) && !shape.options.includes(option))
      throw new UsageError(`${name} does not take --${option}`);
  }
  const acl = {
    principal: values.principal,
    operation: values.operation,
    topic: values.topic,
    group: values.group,
    cluster: values.cluster,
    transactionalId: values["transactional-id"],
    prefixed: values.prefixed,
    deny: values.deny,
    host: values.host,
  };
  const user = rest[0] ?? "";
  if (shape.arguments === 1 && user === "") throw new UsageError(`${name}: the user name must not be empty`);
  const command: Command = (() => {
    switch (name) {
      case "users list":
        return { name };
      case "users set":
        return {
          name,
          user,
          mechanisms: parseMechanisms(values.mechanism ?? "both"),
          iterations: parseIterations(values.iterations),
          ...(values["password-env"] !== undefined && {
            passwordEnvironmentVariable: values["password-env"],
          }),
        };
      case "users delete":
        return {
          name,
          user,
          ...(values.mechanism !== undefined && { mechanisms: parseMechanisms(values.mechanism) }),
        };
      case "acls list":
        return { name, filter: aclListFilterFromFlags(acl) };
      case "acls add":
      case "acls remove":
        return { name, bindings: aclBindingsFromFlags(acl) };
    }
  })();
  return { command, connection, json };
}

function parseMechanisms(text: string): ScramMechanismName[] {
  const value = text.toUpperCase();
  if (value === "BOTH") return ["SCRAM-SHA-256", "SCRAM-SHA-512"];
  if (value === "SCRAM-SHA-256" || value === "SCRAM-SHA-512") return [value];
  throw new UsageError("--mechanism must be SCRAM-SHA-256, SCRAM-SHA-512 or both");
}

function parseIterations(text: string | undefined): number {
  if (text === undefined) return DEFAULT_ITERATIONS;
  const iterations = Number(text);
  if (!/^\d+$/.test(text) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS)
    throw new UsageError(`--iterations must be a whole number from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  return iterations;
}

/** parseArgs' message without its advice on positionals; a would-be --password flag gets the reason. */
function optionError(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (unknown === "--password")
    return "there is no --password flag, so that no password shows in `ps` or shell history: use STREAMBED_ADMIN_PASSWORD or --password-file for the admin, and stdin or --password-env for users set";
  if (unknown !== undefined) return `unknown option ${unknown}`;
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
    return error.message.replace(/^Option /, "option ");
  return error.message;
}
