# confluent-kafka (librdkafka) AdminClient against the broker: create, list, describe and alter
# configs of, and delete a topic; prints one JSON object of what each step returned.
from common import emit, load_params
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

CONFIG_NAMES = ("retention.ms", "cleanup.policy", "max.message.bytes")


def error_of(future):
    """None when the admin future succeeded, else the Kafka error's name."""
    try:
        future.result()
        return None
    except KafkaException as exception:
        return exception.args[0].name()


def topic_configs(admin, topic):
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    (future,) = admin.describe_configs([resource]).values()
    entries = future.result()
    return {name: entries[name].value for name in CONFIG_NAMES if name in entries}


def main():
    params = load_params()
    topic = params["topic"]
    admin = AdminClient({"bootstrap.servers": params["bootstrap"]})
    result = {}

    created = admin.create_topics(
        [NewTopic(topic, num_partitions=3, replication_factor=1, config={"retention.ms": "3600000"})],
        operation_timeout=10,
    )
    result["create"] = error_of(created[topic])
    duplicate = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    result["createAgain"] = error_of(duplicate[topic])

    metadata = admin.list_topics(timeout=10)
    result["listed"] = topic in metadata.topics
    result["partitions"] = sorted(metadata.topics[topic].partitions.keys())
    result["leaders"] = sorted({p.leader for p in metadata.topics[topic].partitions.values()})
    result["brokers"] = sorted(f"{b.host}:{b.port}" for b in metadata.brokers.values())
    result["configsAfterCreate"] = topic_configs(admin, topic)

    altered = admin.alter_configs(
        [
            ConfigResource(
                ConfigResource.Type.TOPIC,
                topic,
                set_config={"retention.ms": "7200000", "cleanup.policy": "compact"},
            )
        ]
    )
    result["alter"] = error_of(next(iter(altered.values())))
    result["configsAfterAlter"] = topic_configs(admin, topic)

    invalid = admin.alter_configs(
        [ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"retention.ms": "soon"})]
    )
    result["alterInvalid"] = error_of(next(iter(invalid.values())))
    result["configsAfterInvalid"] = topic_configs(admin, topic)

    missing = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic + "-missing")])
    result["describeMissing"] = error_of(next(iter(missing.values())))

    deleted = admin.delete_topics([topic], operation_timeout=10)
    result["delete"] = error_of(deleted[topic])
    result["listedAfterDelete"] = topic in admin.list_topics(timeout=10).topics
    deleted_again = admin.delete_topics([topic])
    result["deleteAgain"] = error_of(deleted_again[topic])
    emit(result)


main()
