# kafka-python (2.0.2, pure Python) against the broker: KafkaAdminClient creates, describes and
# deletes topics; KafkaProducer writes uncompressed and gzip batches with keys, headers and NULL
# values; KafkaConsumer groups read them, commit and resume; offsets_for_times looks up timestamps.
from common import emit, headers_of, load_params, text
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

# snappy, lz4 and zstd need Python modules Debian's python3-kafka does not pull in.
CODECS = (None, "gzip")
BASE_TIMESTAMP = 1_700_000_000_000


def admin_scenario(bootstrap, topic):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kafka-python-admin")
    result = {}
    created = admin.create_topics(
        [NewTopic(topic, num_partitions=2, replication_factor=1, topic_configs={"retention.ms": "3600000"})]
    )
    result["create"] = [[name, code] for name, code, *_ in created.topic_errors]
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        result["createAgain"] = None
    except Exception as error:  # kafka-python raises TopicAlreadyExistsError
        result["createAgain"] = type(error).__name__
    result["listed"] = topic in admin.list_topics()
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    entries = {}
    for response in described:
        for _code, _message, _type, _name, config_entries in response.resources:
            for entry in config_entries:
                entries[entry[0]] = entry[1]
    result["configs"] = {name: entries.get(name) for name in ("retention.ms", "cleanup.policy")}
    deleted = admin.delete_topics([topic])
    result["delete"] = [[name, code] for name, code in deleted.topic_error_codes]
    result["listedAfterDelete"] = topic in admin.list_topics()
    admin.close()
    return result


def produce(bootstrap, topic, round_number):
    """Per codec, a batch with a keyed record with headers, a NULL value and a NULL key."""
    delivered = []
    for codec in CODECS:
        producer = KafkaProducer(
            bootstrap_servers=bootstrap, compression_type=codec, acks="all", linger_ms=20
        )
        name = codec or "none"
        futures = [
            producer.send(
                topic,
                key=f"key-{name}-{round_number}".encode(),
                value=f"{name} value {round_number} ".ljust(300, "y").encode(),
                headers=[("codec", name.encode()), ("empty", b"")],
                partition=0,
            ),
            producer.send(topic, key=f"null-{name}-{round_number}".encode(), value=None, partition=0),
            producer.send(topic, key=None, value=f"no key {name} {round_number}".encode(), partition=1),
        ]
        producer.flush(30)
        delivered.extend({"partition": f.get(10).partition, "offset": f.get(10).offset} for f in futures)
        producer.close()
    return delivered


def consume(bootstrap, topic, group, count):
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=20_000,
        fetch_max_wait_ms=100,
    )
    records = []
    for message in consumer:
        records.append(
            {
                "partition": message.partition,
                "offset": message.offset,
                "key": text(message.key),
                "value": text(message.value),
                "headers": headers_of(message.headers),
            }
        )
        if len(records) >= count:
            break
    consumer.commit()
    committed = {str(p): consumer.committed(TopicPartition(topic, p)) for p in (0, 1)}
    consumer.close()
    return records, committed


def group_scenario(bootstrap, topic, group):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    admin.close()
    result = {"delivered1": produce(bootstrap, topic, 1)}
    result["records1"], result["committed1"] = consume(bootstrap, topic, group, len(result["delivered1"]))
    result["delivered2"] = produce(bootstrap, topic, 2)
    # A second consumer of the same group resumes after the first one's commits.
    result["records2"], result["committed2"] = consume(bootstrap, topic, group, len(result["delivered2"]))
    return result


def offsets_for_times_scenario(bootstrap, topic):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i in range(10):
        producer.send(topic, value=f"at {i}".encode(), partition=0, timestamp_ms=BASE_TIMESTAMP + i * 1000)
    producer.flush(30)
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    partition = TopicPartition(topic, 0)
    lookups = {}
    for name, timestamp in {
        "first": BASE_TIMESTAMP,
        "between": BASE_TIMESTAMP + 4500,
        "exact": BASE_TIMESTAMP + 6000,
        "after": BASE_TIMESTAMP + 60_000,
    }.items():
        found = consumer.offsets_for_times({partition: timestamp})[partition]
        lookups[name] = None if found is None else {"offset": found.offset, "timestamp": found.timestamp}
    lookups["beginning"] = consumer.beginning_offsets([partition])[partition]
    lookups["end"] = consumer.end_offsets([partition])[partition]
    consumer.close()
    return {"base": BASE_TIMESTAMP, "lookups": lookups}


def main():
    params = load_params()
    scenario, bootstrap, topic = params["scenario"], params["bootstrap"], params["topic"]
    if scenario == "admin":
        emit(admin_scenario(bootstrap, topic))
    elif scenario == "group":
        emit(group_scenario(bootstrap, topic, params["group"]))
    elif scenario == "offsets-for-times":
        emit(offsets_for_times_scenario(bootstrap, topic))
    else:
        raise SystemExit(f"unknown scenario {scenario}")


main()
