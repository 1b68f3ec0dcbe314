# Shared plumbing of the Python client scripts: parameters arrive as one JSON argument, results
# leave as JSON lines on stdout, and records are turned into plain JSON-friendly dicts.
import json
import sys
import time


def load_params():
    """The script's parameters: the JSON object given as its only argument."""
    return json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}


def emit(value):
    """Prints one JSON line and flushes, so a test streaming stdout sees it at once."""
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def text(value):
    """bytes -> str, keeping None (a Kafka NULL) distinct from b"" (an empty value)."""
    if value is None:
        return None
    return value.decode("utf-8")


def headers_of(headers):
    """Headers as [[name, value], ...], values decoded (None stays None)."""
    return [[name, text(value)] for name, value in (headers or [])]


def confluent_record(message):
    """A confluent_kafka Message as a dict."""
    return {
        "partition": message.partition(),
        "offset": message.offset(),
        "timestamp": message.timestamp()[1],
        "key": text(message.key()),
        "value": text(message.value()),
        "headers": headers_of(message.headers()),
    }


def poll_records(consumer, count, timeout_s=30.0, on_record=None):
    """Polls a confluent_kafka consumer until `count` records arrived; raises on errors or timeout."""
    records = []
    deadline = time.monotonic() + timeout_s
    while len(records) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"received {len(records)} of {count} records")
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            if message.error().code() == -191:  # _PARTITION_EOF: informational
                continue
            raise RuntimeError(str(message.error()))
        records.append(confluent_record(message))
        if on_record is not None:
            on_record(message)
    return records


class DeliveryReports:
    """Collects confluent_kafka delivery reports as dicts, in the order they arrive; with `stream`,
    each successful one is also printed as a JSON line at once."""

    def __init__(self, stream=False):
        self.delivered = []
        self.failed = []
        self.stream = stream

    def __call__(self, error, message):
        if error is not None:
            entry = {"error": str(error), "value": text(message.value())}
            self.failed.append(entry)
        else:
            entry = {
                "partition": message.partition(),
                "offset": message.offset(),
                "value": text(message.value()),
            }
            self.delivered.append(entry)
        if self.stream and error is None:
            emit({"delivered": entry})


def create_topic(bootstrap, topic, partitions=1, config=None):
    """Creates a topic with confluent_kafka's AdminClient and waits for the result."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    new_topic = NewTopic(topic, num_partitions=partitions, replication_factor=1, config=config or {})
    admin.create_topics([new_topic], operation_timeout=10)[topic].result()


def read_partitions(bootstrap, topic, partitions, count, extra=None):
    """Reads `count` records from the start of the given partitions (no group membership), and
    the partitions' high watermarks."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    config = {
        "bootstrap.servers": bootstrap,
        "group.id": f"reader-{topic}",
        "enable.auto.commit": False,
        "fetch.wait.max.ms": 100,
    }
    config.update(extra or {})
    consumer = Consumer(config)
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        records = poll_records(consumer, count)
        watermarks = {}
        for p in partitions:
            watermarks[str(p)] = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
    finally:
        consumer.close()
    return records, watermarks
