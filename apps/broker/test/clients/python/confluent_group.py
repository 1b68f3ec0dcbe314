# A confluent-kafka (librdkafka) consumer group of two members in one process: the first member
# reads and commits alone, the second joins (rebalance), both read and commit their own
# partitions, then the second leaves and the first takes every partition back.
import time

from common import create_topic, emit, load_params
from confluent_kafka import Consumer, Producer, TopicPartition

PARTITIONS = 4
PER_PARTITION = 10


class Member:
    """One group member, recording every assignment it was given."""

    def __init__(self, bootstrap, group, topic, name):
        self.name = name
        self.assignments = []
        self.records = []
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": group,
                "client.id": name,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 300,
                "fetch.wait.max.ms": 100,
                "partition.assignment.strategy": "range",
            }
        )
        self.consumer.subscribe([topic], on_assign=self._on_assign)

    def _on_assign(self, consumer, partitions):
        self.assignments.append(sorted(p.partition for p in partitions))

    @property
    def assigned(self):
        return sorted(p.partition for p in self.consumer.assignment())

    def poll_once(self):
        """One poll; a record is committed synchronously before the next poll, so a rebalance
        (which only runs inside poll) never sees it uncommitted."""
        message = self.consumer.poll(0.1)
        if message is None or message.error():
            return
        record = {
            "partition": message.partition(),
            "offset": message.offset(),
            "value": message.value().decode(),
        }
        self.records.append(record)
        self.consumer.commit(message=message, asynchronous=False)


def poll_until(members, condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            state = {m.name: {"assigned": m.assigned, "records": len(m.records)} for m in members}
            raise TimeoutError(f"{what}: {state}")
        for member in members:
            member.poll_once()


def produce_round(bootstrap, topic, round_number):
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for partition in range(PARTITIONS):
        for i in range(PER_PARTITION):
            producer.produce(topic, value=f"round{round_number}-p{partition}-{i}", partition=partition)
    producer.flush(30)


def committed(consumer, topic):
    found = consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
    return {str(tp.partition): tp.offset for tp in found}


def main():
    params = load_params()
    bootstrap, topic, group = params["bootstrap"], params["topic"], params["group"]
    create_topic(bootstrap, topic, partitions=PARTITIONS)
    result = {}

    produce_round(bootstrap, topic, 1)
    first = Member(bootstrap, group, topic, "first")
    poll_until([first], lambda: len(first.records) >= PARTITIONS * PER_PARTITION, 60, "first alone")
    result["firstAlone"] = {"assignments": list(first.assignments), "records": list(first.records)}
    result["committedAfterRound1"] = committed(first.consumer, topic)

    second = Member(bootstrap, group, topic, "second")
    members = [first, second]
    poll_until(
        members,
        lambda: len(first.assigned) > 0 and len(second.assigned) > 0
        and sorted(first.assigned + second.assigned) == list(range(PARTITIONS)),
        60,
        "rebalance to two members",
    )
    result["afterJoin"] = {"first": first.assigned, "second": second.assigned}
    first.records.clear()

    produce_round(bootstrap, topic, 2)
    poll_until(
        members,
        lambda: len(first.records) + len(second.records) >= PARTITIONS * PER_PARTITION,
        60,
        "round 2",
    )
    # A moment more of polling shows nothing is delivered twice.
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        for member in members:
            member.poll_once()
    result["round2"] = {"first": list(first.records), "second": list(second.records)}
    result["committedAfterRound2"] = committed(second.consumer, topic)

    second.consumer.close()
    poll_until([first], lambda: first.assigned == list(range(PARTITIONS)), 60, "first takes all back")
    result["afterLeave"] = {"first": first.assigned, "assignments": first.assignments}
    first.consumer.close()

    # A client that never consumed sees the offsets the group committed.
    latecomer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    result["committedSeenByNewMember"] = committed(latecomer, topic)
    latecomer.close()
    emit(result)


main()
