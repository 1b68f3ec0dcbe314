# kafka-python 2.0 over SASL_PLAINTEXT: it authenticates with a v0 SaslHandshake followed by bare
# SASL tokens (no SaslAuthenticate). Produces `count` records and reads them back.
from common import emit, load_params
from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def main():
    params = load_params()
    security = {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": params["mechanism"],
        "sasl_plain_username": params["username"],
        "sasl_plain_password": params["password"],
    }
    topic = params["topic"]
    count = params.get("count", 3)
    producer = KafkaProducer(bootstrap_servers=params["bootstrap"], acks="all", **security)
    for index in range(count):
        producer.send(topic, f"record-{index}".encode()).get(timeout=20)
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=params["bootstrap"], consumer_timeout_ms=10000, **security)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    values = []
    for message in consumer:
        values.append(message.value.decode())
        if len(values) == count:
            break
    consumer.close()
    emit({"values": values})


if __name__ == "__main__":
    main()
