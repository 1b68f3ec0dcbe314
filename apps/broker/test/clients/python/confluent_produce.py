# confluent-kafka (librdkafka) producer scenarios, each read back with a consumer: every
# compression type with keys, headers and NULLs; an idempotent producer; 1 MB records; and
# offsets_for_times over explicit record timestamps. Prints one JSON object per run.
import hashlib

from common import DeliveryReports, create_topic, emit, load_params, read_partitions
from confluent_kafka import Consumer, Producer, TopicPartition

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


def codecs(bootstrap, topic):
    """Per codec, one producer and one batch of 4 records: key+headers, NULL value, NULL key,
    and a header with a NULL value."""
    create_topic(bootstrap, topic)
    reports = DeliveryReports()
    for codec in CODECS:
        producer = Producer(
            {"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 20, "acks": "all"}
        )
        filler = f"{codec} payload ".ljust(400, "z")
        sends = [
            (f"key-{codec}", filler, [("codec", codec), ("empty", b"")]),
            (f"null-value-{codec}", None, [("codec", codec)]),
            (None, f"null-key-{codec}", None),
            (f"null-header-{codec}", "v", [("nothing", None)]),
        ]
        for key, value, headers in sends:
            producer.produce(topic, key=key, value=value, headers=headers, on_delivery=reports)
        producer.flush(30)
    records, watermarks = read_partitions(bootstrap, topic, [0], 4 * len(CODECS))
    return {
        "codecs": list(CODECS),
        "delivered": reports.delivered,
        "failed": reports.failed,
        "records": records,
        "watermarks": watermarks,
    }


def idempotent(bootstrap, topic, count):
    """An idempotent producer over three partitions, many small batches in flight."""
    create_topic(bootstrap, topic, partitions=3)
    reports = DeliveryReports()
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "linger.ms": 2,
            "batch.num.messages": 25,
            "max.in.flight.requests.per.connection": 5,
        }
    )
    for i in range(count):
        producer.produce(topic, key=f"k{i % 7}", value=f"record {i}", on_delivery=reports)
        producer.poll(0)
    remaining = producer.flush(30)
    records, watermarks = read_partitions(bootstrap, topic, [0, 1, 2], count)
    return {
        "remaining": remaining,
        "delivered": reports.delivered,
        "failed": reports.failed,
        "records": records,
        "watermarks": watermarks,
    }


def large(bootstrap, topic):
    """Three 1 MiB records between small ones, on a topic whose max.message.bytes allows them."""
    create_topic(bootstrap, topic, config={"max.message.bytes": "3000000"})
    reports = DeliveryReports()
    producer = Producer({"bootstrap.servers": bootstrap, "message.max.bytes": 3_000_000, "acks": "all"})
    payloads = [b"small-first"]
    for i in range(3):
        payloads.append(bytes([0x41 + i]) * 1024 * 1024)
    payloads.append(b"small-last")
    for payload in payloads:
        producer.produce(topic, value=payload, on_delivery=reports)
    remaining = producer.flush(60)

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{topic}",
            "enable.auto.commit": False,
            "max.partition.fetch.bytes": 1_048_576,
            "fetch.max.bytes": 1_048_576,
        }
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    received = []
    while len(received) < len(payloads):
        message = consumer.poll(30)
        if message is None:
            break
        if message.error():
            raise RuntimeError(str(message.error()))
        received.append(message)
    consumer.close()

    def digest(value):
        return hashlib.sha256(value).hexdigest()

    return {
        "remaining": remaining,
        "failed": reports.failed,
        "offsets": [r["offset"] for r in reports.delivered],
        "sent": [{"length": len(p), "sha256": digest(p)} for p in payloads],
        "received": [
            {"offset": m.offset(), "length": len(m.value()), "sha256": digest(m.value())} for m in received
        ],
    }


def offsets_for_times(bootstrap, topic):
    """Records with explicit timestamps base, base+1000, ...; then lookups between and around them."""
    create_topic(bootstrap, topic, partitions=2)
    base = 1_700_000_000_000
    producer = Producer({"bootstrap.servers": bootstrap})
    for partition in (0, 1):
        for i in range(10):
            timestamp = base + i * 1000 + partition
            producer.produce(topic, value=f"p{partition}-{i}", partition=partition, timestamp=timestamp)
    producer.flush(30)
    records, _ = read_partitions(bootstrap, topic, [0, 1], 20)

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"times-{topic}"})
    queries = {
        "atFirst": base,
        "before": base - 10_000,
        "between": base + 2500,
        "exact": base + 7000,
        "last": base + 9000,
        "after": base + 60_000,
    }
    lookups = {}
    for name, timestamp in queries.items():
        found = consumer.offsets_for_times([TopicPartition(topic, p, timestamp) for p in (0, 1)], timeout=10)
        lookups[name] = {str(tp.partition): tp.offset for tp in found if tp.error is None}
    consumer.close()
    timestamps = {str(p): [r["timestamp"] for r in records if r["partition"] == p] for p in (0, 1)}
    return {"base": base, "timestamps": timestamps, "lookups": lookups}


def main():
    params = load_params()
    scenario = params["scenario"]
    bootstrap, topic = params["bootstrap"], params["topic"]
    if scenario == "codecs":
        emit(codecs(bootstrap, topic))
    elif scenario == "idempotent":
        emit(idempotent(bootstrap, topic, params.get("count", 1000)))
    elif scenario == "large":
        emit(large(bootstrap, topic))
    elif scenario == "offsets-for-times":
        emit(offsets_for_times(bootstrap, topic))
    else:
        raise SystemExit(f"unknown scenario {scenario}")


main()
