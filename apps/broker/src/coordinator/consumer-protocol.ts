// Reads the subscribed topic names out of a ConsumerProtocolSubscription, the member metadata of
// groups whose protocol type is "consumer". Every version begins with the v0 layout (version int16,
// topics [string], user data bytes), so the v0 prefix is all the coordinator needs, as in Kafka.

export const CONSUMER_PROTOCOL_TYPE = "consumer";

export class ConsumerProtocolError extends Error {
  override readonly name = "ConsumerProtocolError";
}

export function decodeSubscribedTopics(metadata: Buffer): string[] {
  if (metadata.length < 6) throw new ConsumerProtocolError("Subscription shorter than its header");
  const version = metadata.readInt16BE(0);
  if (version < 0) throw new ConsumerProtocolError(`Unsupported subscription version ${version}`);
  const count = metadata.readInt32BE(2);
  if (count < 0) throw new ConsumerProtocolError(`Invalid topic count ${count}`);
  const topics: string[] = [];
  let position = 6;
  for (let index = 0; index < count; index++) {
    if (position + 2 > metadata.length) throw new ConsumerProtocolError("Truncated topic name length");
    const length = metadata.readInt16BE(position);
    position += 2;
    if (length < 0 || position + length > metadata.length) {
      throw new ConsumerProtocolError(`Invalid topic name length ${length}`);
    }
    topics.push(metadata.toString("utf8", position, position + length));
    position += length;
  }
  return topics;
}
