# DescribeLogDirs through kafka-python's KafkaAdminClient. Debian's python3-kafka is 2.0.2, which
# predates KafkaAdminClient.describe_log_dirs() (kafka-python 2.1 sends v0 with topics=None): the
# request is declared here with kafka-python's own protocol types and sent on the admin client's
# connection, as describe_log_dirs() does, at v0 (all topics) and v1 (named partitions).
from common import emit, load_params
from kafka import KafkaAdminClient
from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Boolean, Int16, Int32, Int64, Schema, String

RESPONSE_SCHEMA = Schema(
    ("throttle_time_ms", Int32),
    (
        "log_dirs",
        Array(
            ("error_code", Int16),
            ("log_dir", String("utf-8")),
            (
                "topics",
                Array(
                    ("name", String("utf-8")),
                    (
                        "partitions",
                        Array(
                            ("partition_index", Int32),
                            ("partition_size", Int64),
                            ("offset_lag", Int64),
                            ("is_future_key", Boolean),
                        ),
                    ),
                ),
            ),
        ),
    ),
)
REQUEST_SCHEMA = Schema(("topics", Array(("topic", String("utf-8")), ("partitions", Array(Int32)))))


class DescribeLogDirsResponse_v0(Response):
    API_KEY = 35
    API_VERSION = 0
    SCHEMA = RESPONSE_SCHEMA


class DescribeLogDirsResponse_v1(Response):
    API_KEY = 35
    API_VERSION = 1
    SCHEMA = RESPONSE_SCHEMA


class DescribeLogDirsRequest_v0(Request):
    API_KEY = 35
    API_VERSION = 0
    RESPONSE_TYPE = DescribeLogDirsResponse_v0
    SCHEMA = REQUEST_SCHEMA


class DescribeLogDirsRequest_v1(Request):
    API_KEY = 35
    API_VERSION = 1
    RESPONSE_TYPE = DescribeLogDirsResponse_v1
    SCHEMA = REQUEST_SCHEMA


def describe(admin, node_id, request):
    future = admin._send_request_to_node(node_id, request)
    admin._wait_for_futures([future])
    dirs = []
    for error_code, log_dir, topics in future.value.log_dirs:
        dirs.append(
            {
                "errorCode": error_code,
                "logDir": log_dir,
                "topics": {
                    name: {
                        str(index): {"size": size, "offsetLag": lag, "isFuture": future_key}
                        for index, size, lag, future_key in partitions
                    }
                    for name, partitions in topics
                },
            }
        )
    return dirs


def main():
    params = load_params()
    admin = KafkaAdminClient(bootstrap_servers=params["bootstrap"], client_id="kafka-python-log-dirs")
    try:
        node_id = params["nodeId"]
        result = {
            "all": describe(admin, node_id, DescribeLogDirsRequest_v0(topics=None)),
            "named": describe(
                admin,
                node_id,
                DescribeLogDirsRequest_v1(
                    topics=[(params["missingTopic"], [0]), (params["topic"], params["partitions"])]
                ),
            ),
        }
    finally:
        admin.close()
    emit(result)


if __name__ == "__main__":
    main()
