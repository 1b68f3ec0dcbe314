# Long-poll wake-up with confluent-kafka (librdkafka): a consumer whose fetches may wait
# fetch.wait.max.ms on an empty partition, and a producer that appends a record one second into
# that wait; prints how long each record took from produce to the consumer.
import threading
import time

from common import create_topic, emit, load_params
from confluent_kafka import Consumer, Producer, TopicPartition


def main():
    params = load_params()
    bootstrap, topic = params["bootstrap"], params["topic"]
    wait_ms = params.get("fetchWaitMs", 5000)
    rounds = params.get("rounds", 3)
    create_topic(bootstrap, topic)

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"long-poll-{topic}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": wait_ms,
            "fetch.min.bytes": 1,
        }
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    received = {}
    stop = threading.Event()

    def consume():
        while not stop.is_set():
            message = consumer.poll(0.05)
            if message is not None and not message.error():
                received[message.value().decode()] = time.monotonic()

    thread = threading.Thread(target=consume)
    thread.start()
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
    # Knowing the topic up front keeps librdkafka's one-second topic scan out of the first round.
    producer.list_topics(topic, timeout=10)
    results = []
    try:
        for round_number in range(rounds):
            # Let the consumer's fetch reach the broker and park there.
            time.sleep(params.get("delayS", 1.0))
            value = f"round-{round_number}"
            sent_at = time.monotonic()
            acked = {}

            def on_delivery(_error, _message, acked=acked):
                acked.setdefault("at", time.monotonic())

            producer.produce(topic, value=value, on_delivery=on_delivery)
            producer.flush(10)
            deadline = time.monotonic() + wait_ms / 1000 * 3
            while value not in received and time.monotonic() < deadline:
                time.sleep(0.005)
            results.append(
                {
                    "round": round_number,
                    "received": value in received,
                    "produceToReceiveMs": (
                        round((received[value] - sent_at) * 1000, 1) if value in received else None
                    ),
                    "produceToAckMs": round((acked["at"] - sent_at) * 1000, 1) if "at" in acked else None,
                }
            )
    finally:
        stop.set()
        thread.join()
        consumer.close()
    emit({"fetchWaitMs": wait_ms, "rounds": results})


main()
