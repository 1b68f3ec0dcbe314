// Metadata failures a Kafka client must see as such: each is a KafkaProtocolError with the code
// the matching Kafka API answers, so handlers can pass them through unchanged.
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";

export class TopicAlreadyExistsError extends KafkaProtocolError {
  constructor(readonly topic: string) {
    super(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' already exists.`);
  }
}

export class UnknownTopicOrPartitionError extends KafkaProtocolError {
  constructor(
    readonly topic: string,
    readonly partition?: number,
  ) {
    super(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      partition === undefined
        ? `Topic '${topic}' does not exist`
        : `Partition ${partition} of topic '${topic}' does not exist`,
    );
  }
}

export class InvalidPartitionsError extends KafkaProtocolError {
  constructor(message: string) {
    super(ErrorCode.INVALID_PARTITIONS, message);
  }
}
