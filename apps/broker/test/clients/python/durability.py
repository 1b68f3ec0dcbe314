# Crash-durability scenarios with confluent-kafka (librdkafka): produce with acks=all collecting
# delivery reports (all at once, or streamed line by line while the broker may be killed), commit
# a group offset, and read everything back after a restart.
import time

from common import DeliveryReports, create_topic, emit, load_params, poll_records
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition


def producer_config(bootstrap, params):
    return {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": params.get("messageTimeoutMs", 30_000),
        "enable.idempotence": params.get("idempotent", False),
    }


def commit_offsets(bootstrap, group, topic, offsets):
    """Commits {partition: offset} for the group without joining it (simple consumer commit)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        partitions = [TopicPartition(topic, int(p), offset) for p, offset in offsets.items()]
        committed = consumer.commit(offsets=partitions, asynchronous=False)
        return {str(tp.partition): tp.offset for tp in committed}
    finally:
        consumer.close()


def produce(bootstrap, topic, params):
    """Produces `count` records, waits for every delivery report, then commits the group offsets."""
    create_topic(bootstrap, topic, partitions=params["partitions"])
    reports = DeliveryReports()
    producer = Producer(producer_config(bootstrap, params))
    for i in range(params["count"]):
        producer.produce(topic, key=f"k{i}", value=f"record-{i}", on_delivery=reports)
        producer.poll(0)
    remaining = producer.flush(60)
    committed = commit_offsets(bootstrap, params["group"], topic, params["commit"])
    return {
        "remaining": remaining,
        "delivered": reports.delivered,
        "failed": reports.failed,
        "committed": committed,
    }


def stream(bootstrap, topic, params):
    """Produces steadily, printing each successful delivery report as a JSON line the moment it
    arrives; the test kills the broker meanwhile, and the first failed report ends the stream."""
    create_topic(bootstrap, topic, partitions=params["partitions"])
    reports = DeliveryReports(stream=True)
    config = producer_config(bootstrap, params)
    # Retry the dead broker often, so queued records time out soon after message.timeout.ms.
    config.update({"reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 200})
    producer = Producer(config)
    emit({"started": True})
    for i in range(params["count"]):
        if reports.failed:
            break
        while True:
            try:
                producer.produce(topic, key=f"k{i}", value=f"record-{i}", on_delivery=reports)
                break
            except BufferError:  # local queue full while the broker is gone
                producer.poll(0.1)
        if i % 20 == 0:
            producer.poll(0.01)
    remaining = producer.flush(params.get("messageTimeoutMs", 30_000) / 1000 + 10)
    emit(
        {
            "done": True,
            "remaining": remaining,
            "deliveredCount": len(reports.delivered),
            "failedCount": len(reports.failed),
        }
    )


def read_back(bootstrap, topic, params):
    """Every record from the log start to the high watermark of each partition, the watermarks,
    and the group's committed offsets."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": params["group"],
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 100,
        }
    )
    partitions = range(params["partitions"])
    watermarks = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        watermarks[str(p)] = [low, high]
    total = sum(high - low for low, high in watermarks.values())
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    records = poll_records(consumer, total, timeout_s=60)
    committed = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
    consumer.close()
    return {
        "watermarks": watermarks,
        "records": [
            {"partition": r["partition"], "offset": r["offset"], "value": r["value"]} for r in records
        ],
        "committed": {str(tp.partition): tp.offset for tp in committed},
    }


def main():
    params = load_params()
    scenario, bootstrap, topic = params["scenario"], params["bootstrap"], params["topic"]
    started = time.monotonic()
    if scenario == "produce":
        result = produce(bootstrap, topic, params)
    elif scenario == "stream":
        stream(bootstrap, topic, params)
        return
    elif scenario == "read-back":
        result = read_back(bootstrap, topic, params)
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    result["seconds"] = round(time.monotonic() - started, 3)
    emit(result)


main()
