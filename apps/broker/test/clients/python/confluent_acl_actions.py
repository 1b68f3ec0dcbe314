# confluent-kafka (librdkafka) as one authenticated principal meeting ACLs: runs a list of actions
# (produce, consume through a group, read an assigned partition, list topics, create a topic) with
# the security settings in `security`, and reports each outcome, naming the Kafka error of a refusal.
import time

from common import emit, load_params
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

# librdkafka reports these on the way to an answer; they are not the answer.
INFORMATIONAL = {KafkaError._PARTITION_EOF, KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN}


def produce(config, action):
    delivered = []
    failed = []

    def on_delivery(error, _message):
        (failed if error is not None else delivered).append(error)

    producer = Producer({**config, "message.timeout.ms": 10000})
    for value in action["values"]:
        producer.produce(action["topic"], value=value, on_delivery=on_delivery)
    producer.flush(20)
    if failed:
        return {"error": failed[0].name()}
    return {"delivered": len(delivered)}


def error_collector(errors):
    """An error_cb keeping the errors that are answers, not steps on the way."""

    def on_error(error):
        if error.code() not in INFORMATIONAL:
            errors.append(error)

    return on_error


def poll_until(consumer, errors, done, timeout_s=20.0):
    """Polls until `done(values)` holds, or the first error (from poll or the error callback)."""
    values = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if errors:
            return {"error": errors[0].name(), "values": values}
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            if message.error().code() not in INFORMATIONAL:
                return {"error": message.error().name(), "values": values}
            continue
        values.append(message.value().decode())
        if done(values):
            return {"values": values}
    return {"error": "timed out", "values": values}


def consume(config, action):
    """Subscribes with `group` and reads until the value `until` arrived."""
    errors = []
    consumer = Consumer(
        {**config, "group.id": action["group"], "auto.offset.reset": "earliest", "error_cb": error_collector(errors)}
    )
    try:
        consumer.subscribe([action["topic"]])
        return poll_until(consumer, errors, lambda values: action["until"] in values)
    finally:
        consumer.close()


def read(config, action):
    """Reads `count` records of partition 0 from the beginning, committing nothing."""
    errors = []
    consumer = Consumer(
        {**config, "group.id": action["group"], "enable.auto.commit": False, "error_cb": error_collector(errors)}
    )
    try:
        consumer.assign([TopicPartition(action["topic"], 0, OFFSET_BEGINNING)])
        return poll_until(consumer, errors, lambda values: len(values) >= action["count"])
    finally:
        consumer.close()


def list_topics(config, _action):
    admin = AdminClient(config)
    return {"topics": sorted(admin.list_topics(timeout=10).topics.keys())}


def create(config, action):
    admin = AdminClient(config)
    future = admin.create_topics([NewTopic(action["topic"], num_partitions=1, replication_factor=1)])
    try:
        future[action["topic"]].result(timeout=15)
    except KafkaException as error:
        return {"error": error.args[0].name()}
    return {"created": True}


ACTIONS = {"produce": produce, "consume": consume, "read": read, "topics": list_topics, "create": create}


def main():
    params = load_params()
    config = {"bootstrap.servers": params["bootstrap"], **params["security"]}
    emit({"results": [ACTIONS[action["action"]](config, action) for action in params["actions"]]})


if __name__ == "__main__":
    main()
