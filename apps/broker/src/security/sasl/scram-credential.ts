// SCRAM credentials (RFC 5802 / RFC 7677) as Kafka stores them: salt, iterations, StoredKey and
// ServerKey per user and mechanism. The password itself is never kept; this module derives the
// keys from a password or from the salted password an AlterUserScramCredentials client computed.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";

export type ScramMechanismName = "SCRAM-SHA-256" | "SCRAM-SHA-512";

export interface ScramMechanism {
  readonly name: ScramMechanismName;
  readonly hash: "sha256" | "sha512";
  readonly keyLength: number;
  /** The ScramMechanism enum of the Describe/AlterUserScramCredentials APIs. */
  readonly kafkaType: number;
}

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [
  { name: "SCRAM-SHA-256", hash: "sha256", keyLength: 32, kafkaType: 1 },
  { name: "SCRAM-SHA-512", hash: "sha512", keyLength: 64, kafkaType: 2 },
];

/** Kafka refuses credentials outside these bounds (ScramMechanism.minIterations/maxIterations). */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;
export const DEFAULT_ITERATIONS = 8192;
const SALT_BYTES = 32;

export interface ScramCredential {
  readonly mechanism: ScramMechanismName;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

export function scramMechanism(name: string): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((mechanism) => mechanism.name === name);
}

export function scramMechanismOfType(kafkaType: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((mechanism) => mechanism.kafkaType === kafkaType);
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(mechanism.hash, key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(mechanism.hash).update(data).digest();
}

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC, one block. Kafka uses the
 *  password's UTF-8 bytes without SASLprep, and so do we. */
export function saltPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(
      Buffer.from(password, "utf8"),
      salt,
      iterations,
      mechanism.keyLength,
      mechanism.hash,
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  salt: Buffer,
  saltedPassword: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, "Client Key");
  return {
    mechanism: mechanism.name,
    salt,
    storedKey: digest(mechanism, clientKey),
    serverKey: hmac(mechanism, saltedPassword, "Server Key"),
    iterations,
  };
}

/** A fresh credential for `password` with a random 32-byte salt. */
export async function createScramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = DEFAULT_ITERATIONS,
): Promise<ScramCredential> {
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`SCRAM iterations must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}`);
  }
  const salt = randomBytes(SALT_BYTES);
  return credentialFromSaltedPassword(
    mechanism,
    salt,
    await saltPassword(mechanism, password, salt, iterations),
    iterations,
  );
}

/** Whether `password` matches the credential (PLAIN over SCRAM credentials), in constant time. */
export async function passwordMatches(credential: ScramCredential, password: string): Promise<boolean> {
  const mechanism = scramMechanism(credential.mechanism)!;
  const salted = await saltPassword(mechanism, password, credential.salt, credential.iterations);
  return constantTimeEqual(
    credentialFromSaltedPassword(mechanism, credential.salt, salted, 1).storedKey,
    credential.storedKey,
  );
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
