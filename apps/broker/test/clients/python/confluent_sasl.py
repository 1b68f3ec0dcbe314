# confluent-kafka (librdkafka) over an authenticating listener: produces `count` records and reads
# them back with the security settings given in `security` (SASL and/or SSL). An authentication
# failure is reported as {"error": <librdkafka error name>} instead of records.
from common import DeliveryReports, emit, load_params, poll_records
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition


def main():
    params = load_params()
    config = {"bootstrap.servers": params["bootstrap"], **params["security"]}
    topic = params["topic"]
    count = params.get("count", 5)
    errors = []

    def on_error(error):
        errors.append(error)

    producer = Producer({**config, "acks": "all", "error_cb": on_error, "message.timeout.ms": 15000})
    reports = DeliveryReports()
    for index in range(count):
        producer.produce(topic, value=f"record-{index}", on_delivery=reports)
    producer.flush(20)
    auth_errors = [e for e in errors if e.code() == -169]  # _AUTHENTICATION
    if auth_errors or reports.failed:
        emit({"error": auth_errors[0].name() if auth_errors else reports.failed[0]["error"]})
        return
    consumer = Consumer({**config, "group.id": f"reader-{topic}", "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        records = poll_records(consumer, count)
    except KafkaException as error:
        emit({"error": error.args[0].name()})
        return
    finally:
        consumer.close()
    emit({"delivered": len(reports.delivered), "values": [record["value"] for record in records]})


if __name__ == "__main__":
    main()
