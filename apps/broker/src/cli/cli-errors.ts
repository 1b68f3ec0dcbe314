// The operator CLI's failures and the exit code each stands for: 2 for a command line we cannot
// run (usage is printed), 1 for a broker that refused or could not be reached. Messages never
// carry a password: they name flags and users, never the values of secrets.
import { errorName } from "@streambed/protocol";

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: nothing was sent to a broker. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The broker answered with a Kafka error code: `kafkaError` is Kafka's name for it. */
export class BrokerRefusal extends Error {
  override readonly name = "BrokerRefusal";
  readonly kafkaError: string;

  constructor(
    readonly errorCode: number,
    readonly brokerMessage: string | null,
    /** What was refused, e.g. a user name, when one request covers several. */
    readonly subject?: string,
  ) {
    const kafkaError = errorName(errorCode);
    super(`${subject ? `${subject}: ` : ""}${kafkaError}${brokerMessage ? `: ${brokerMessage}` : ""}`);
    this.kafkaError = kafkaError;
  }
}

/** Several refusals from one request (e.g. some ACL creations of many), reported together. */
export class BrokerRefusals extends Error {
  override readonly name = "BrokerRefusals";

  constructor(readonly refusals: readonly BrokerRefusal[]) {
    super(refusals.map((refusal) => refusal.message).join("\n"));
  }
}

/** The socket failed, timed out or closed, TLS failed, or the peer does not speak Kafka as we need. */
export class AdminConnectionError extends Error {
  override readonly name = "AdminConnectionError";
}
