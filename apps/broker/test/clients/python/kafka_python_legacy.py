# kafka-python (2.0.2) pinned to old protocol versions, so it speaks the legacy message formats:
# api_version (0, 10, 1) produces with Produce v2 and fetches with Fetch v3 (magic 1), (0, 9) with
# Produce v1 and Fetch v1 (magic 0). Keyed records, plain and gzip, are read back without a group.
from common import create_topic, emit, load_params, text
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

CODECS = (None, "gzip")
VERSIONS = {"0.10.1": (0, 10, 1), "0.9": (0, 9)}


def produce(bootstrap, topic, api_version):
    delivered = []
    for codec in CODECS:
        name = codec or "none"
        producer = KafkaProducer(
            bootstrap_servers=bootstrap,
            api_version=api_version,
            compression_type=codec,
            acks="all",
            linger_ms=20,
        )
        futures = [
            producer.send(topic, key=f"key-{name}-{i}".encode(), value=f"{name} value {i}".encode(), partition=0)
            for i in range(3)
        ]
        futures.append(producer.send(topic, key=f"null-{name}".encode(), value=None, partition=0))
        producer.flush(30)
        for future in futures:
            metadata = future.get(10)
            delivered.append({"offset": metadata.offset, "timestamp": metadata.timestamp})
        producer.close()
    return delivered


def consume(bootstrap, topic, api_version, count):
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        api_version=api_version,
        group_id=None,
        enable_auto_commit=False,
        consumer_timeout_ms=15_000,
        fetch_max_wait_ms=100,
    )
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    records = []
    for message in consumer:
        records.append(
            {
                "offset": message.offset,
                "timestamp": message.timestamp,
                "timestampType": message.timestamp_type,
                "key": text(message.key),
                "value": text(message.value),
            }
        )
        if len(records) >= count:
            break
    consumer.close()
    return records


def main():
    params = load_params()
    bootstrap = params["bootstrap"]
    topic = params["topic"]
    api_version = VERSIONS[params["apiVersion"]]
    create_topic(bootstrap, topic)
    delivered = produce(bootstrap, topic, api_version)
    records = consume(bootstrap, topic, api_version, len(delivered))
    emit({"delivered": delivered, "records": records})


if __name__ == "__main__":
    main()
