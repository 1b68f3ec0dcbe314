# A confluent-kafka (librdkafka) consumer that keeps reading one partition until `count` records
# arrived, riding out connections the broker closes (transport errors are not fatal to it).
# Prints {"values": [...], "transportErrors": n}.
import time

from common import emit, load_params, text
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition


def main():
    params = load_params()
    consumer = Consumer(
        {
            "bootstrap.servers": params["bootstrap"],
            **params["security"],
            "group.id": f"long-{params['topic']}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 200,
            "topic.metadata.refresh.interval.ms": 1000,
        }
    )
    consumer.assign([TopicPartition(params["topic"], 0, OFFSET_BEGINNING)])
    values = []
    transport_errors = 0
    deadline = time.monotonic() + params.get("timeoutS", 45)
    try:
        while len(values) < params["count"] and time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() in (KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._PARTITION_EOF):
                    transport_errors += 1
                    continue
                raise RuntimeError(str(error))
            values.append(text(message.value()))
    finally:
        consumer.close()
    emit({"values": values, "transportErrors": transport_errors})


if __name__ == "__main__":
    main()
