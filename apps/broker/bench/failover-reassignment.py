#!/usr/bin/python3
# Failover and reassignment benchmark of a 3-broker cluster over one PostgreSQL and one S3 endpoint
# (`npm run deps`): how long partitions of a kill -9'd broker stay leaderless and unwritable, whether an
# acknowledged record is lost, and how long moving a partition takes as it grows (a metadata change:
# it should not). Prints a table per part, then one JSON line.
# Run: /usr/bin/python3 apps/broker/bench/failover-reassignment.py [--help]
import argparse
import importlib.util
import json
import math
import multiprocessing
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

import confluent_kafka
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def load_produce_consume():
    """The broker harness (LocalBroker, table and percentile helpers) lives in produce-consume.py."""
    path = Path(__file__).resolve().with_name("produce-consume.py")
    spec = importlib.util.spec_from_file_location("produce_consume", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = load_produce_consume()

DEPS_MAIN = Path(__file__).resolve().parent.parent / "dist" / "deps.js"
BROKER_IDS = (1, 2, 3)
# s3rver's fixed key pair (what `npm run deps` prints).
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER"}
# Flags the cluster sets itself, beyond those the single-broker harness reserves.
CLUSTER_FLAGS = ("--broker-id", "--database-url", "--s3-endpoint", "--bucket", "--lease-ms")
# Leadership moves only when this benchmark moves it; compaction would rewrite object_ranges (and
# spend the two cores) in the middle of a measurement. Both can be overridden after a bare --.
CLUSTER_DEFAULTS = [
    "--controller-interval-ms=200",
    "--cluster-view-interval-ms=100",
    "--balance-leaders=false",
    "--compaction-interval-ms=3600000",
]
POLL_SECONDS = 0.02
# Kafka's batch limit (the topic's max.message.bytes) is 1048588: a fill record is one batch.
FILL_RECORD_BYTES = 1_000_000
SEQUENCE = struct.Struct(">q")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_bytes(text):
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"expected a size such as 1048576, 256MiB or 1GiB, not {text!r}")
    number, unit, binary = match.groups()
    base = 1024 if binary.lower().startswith("i") or not binary else 1000
    return int(float(number) * base ** "_kmgt".index(unit.lower() or "_"))


def parse_sizes(text):
    sizes = [(word.strip(), parse_bytes(word)) for word in text.split(",") if word.strip()]
    if not sizes:
        raise argparse.ArgumentTypeError("expected a comma-separated list of sizes")
    return sizes


def parse_args():
    parser = argparse.ArgumentParser(
        description="Failover time after kill -9 and reassignment time vs partition size, on 3 brokers "
        "sharing one PostgreSQL and one S3 endpoint (all started here)",
        epilog="Broker flags after a bare -- are passed to every broker, e.g. -- --upload-interval-ms=10",
    )
    parser.add_argument(
        "--wal", choices=harness.WAL_KINDS, default="object", help="WAL kind (default: object)"
    )
    parser.add_argument("--lease-ms", type=int, default=2000, help="broker lease (default 2000)")
    parser.add_argument(
        "--broker-arg",
        action="append",
        default=[],
        metavar="FLAG",
        help="extra broker flag(s), repeatable; use the = form: --broker-arg=--upload-interval-ms=10",
    )
    parser.add_argument("--parts", default="failover,reassignment", help="which parts to run (default both)")
    failover = parser.add_argument_group("failover")
    failover.add_argument("--failover-runs", type=int, default=3, help="kill -9 runs (default 3)")
    failover.add_argument("--partitions", type=int, default=6, help="partitions of each failover topic")
    failover.add_argument(
        "--rate", type=int, default=1000, help="records/s the producer writes (default 1000)"
    )
    failover.add_argument(
        "--record-bytes", type=int, default=1024, help="failover record size (default 1024)"
    )
    failover.add_argument("--warmup-seconds", type=float, default=3.0, help="producing before the kill")
    failover.add_argument(
        "--after-seconds",
        type=float,
        default=5.0,
        help="producing after every partition has a live leader again (default 5)",
    )
    reassignment = parser.add_argument_group("reassignment")
    reassignment.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes("1MiB,256MiB,1GiB"),
        help="partition sizes, one partition each (default 1MiB,256MiB,1GiB); 1 MB records",
    )
    reassignment.add_argument(
        "--upload-timeout-seconds",
        type=float,
        default=600.0,
        help="give up when the fill is not all stored in objects after this long",
    )
    argv, passed_through = harness.split_broker_args(sys.argv[1:])
    options = parser.parse_args(argv)
    options.parts = {part.strip() for part in options.parts.split(",") if part.strip()}
    if not options.parts or not options.parts <= {"failover", "reassignment"}:
        parser.error("--parts: a comma-separated list of failover, reassignment")
    if options.record_bytes < SEQUENCE.size:
        parser.error(f"--record-bytes must be at least {SEQUENCE.size}")
    if options.failover_runs < 1 or options.partitions < 1 or options.rate < 1:
        parser.error("--failover-runs, --partitions and --rate must be positive")
    options.broker_args = harness.broker_args_from(options, passed_through)
    for word in options.broker_args:
        if word.split("=", 1)[0] in CLUSTER_FLAGS:
            parser.error(f"{word}: the benchmark sets this broker flag itself")
    return options


# --- A few Kafka requests, raw: the measurements must ask one named broker, and confluent-kafka 1.7
# has no AlterPartitionReassignments.


class KafkaReader:
    def __init__(self, data):
        self.data, self.position = data, 0

    def take(self, layout):
        (value,) = struct.unpack_from(layout, self.data, self.position)
        self.position += struct.calcsize(layout)
        return value

    def int8(self):
        return self.take(">b")

    def int16(self):
        return self.take(">h")

    def int32(self):
        return self.take(">i")

    def int64(self):
        return self.take(">q")

    def unsigned_varint(self):
        value, shift = 0, 0
        while True:
            byte = self.take(">B")
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    def raw(self, length):
        value = self.data[self.position : self.position + length]
        self.position += length
        return value

    def string(self):
        length = self.int16()
        return None if length < 0 else self.raw(length).decode()

    def compact_string(self):
        length = self.unsigned_varint() - 1
        return None if length < 0 else self.raw(length).decode()

    def nullable_bytes(self):
        length = self.int32()
        return None if length < 0 else self.raw(length)

    def array(self, read_item):
        length = self.int32()
        return None if length < 0 else [read_item() for _ in range(length)]

    def compact_array(self, read_item):
        length = self.unsigned_varint() - 1
        return None if length < 0 else [read_item() for _ in range(length)]

    def tagged_fields(self):
        for _ in range(self.unsigned_varint()):
            self.unsigned_varint()
            self.raw(self.unsigned_varint())


def encode_string(text):
    data = text.encode()
    return struct.pack(">h", len(data)) + data


def encode_unsigned_varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_compact_string(text):
    data = text.encode()
    return encode_unsigned_varint(len(data) + 1) + data


class KafkaConnection:
    """One connection to one broker; requests one at a time."""

    FETCH, LIST_OFFSETS, METADATA, ALTER_PARTITION_REASSIGNMENTS = 1, 2, 3, 45

    def __init__(self, port, timeout=10.0):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.correlation_id = 0

    def close(self):
        self.socket.close()

    def _read_exactly(self, length):
        chunks = []
        while length > 0:
            chunk = self.socket.recv(min(length, 1 << 20))
            if not chunk:
                raise ConnectionError("the broker closed the connection")
            chunks.append(chunk)
            length -= len(chunk)
        return b"".join(chunks)

    def request(self, api_key, api_version, body, flexible=False):
        self.correlation_id += 1
        # Request header v1 (v2 adds tagged fields for flexible versions).
        header = struct.pack(">hhi", api_key, api_version, self.correlation_id) + encode_string("bench")
        frame = header + (b"\x00" if flexible else b"") + body
        self.socket.sendall(struct.pack(">i", len(frame)) + frame)
        (size,) = struct.unpack(">i", self._read_exactly(4))
        reader = KafkaReader(self._read_exactly(size))
        if reader.int32() != self.correlation_id:
            raise ConnectionError("response out of order")
        if flexible:
            reader.tagged_fields()
        return reader

    def metadata(self, topic=None):
        """Metadata v1: live broker ids, the controller, and {partition: leader id} of `topic`."""
        topics = struct.pack(">i", 0) if topic is None else struct.pack(">i", 1) + encode_string(topic)
        reader = self.request(self.METADATA, 1, topics)
        brokers = reader.array(lambda: (reader.int32(), reader.string(), reader.int32(), reader.string()))
        controller = reader.int32()
        leaders = {}

        def read_partition():
            reader.int16()
            index, leader = reader.int32(), reader.int32()
            reader.array(reader.int32)
            reader.array(reader.int32)
            leaders[index] = leader

        def read_topic():
            error, name = reader.int16(), reader.string()
            reader.int8()
            reader.array(read_partition)
            return name, error

        reader.array(read_topic)
        return {"brokers": {broker[0] for broker in brokers}, "controller": controller, "leaders": leaders}

    def fetch(self, topic, partition, offset, max_bytes=4 << 20, max_wait_ms=500):
        """Fetch v4 of one partition: (error code, high watermark, last offset of the batches read)."""
        body = struct.pack(">iiiib", -1, max_wait_ms, 1, max_bytes, 0)
        body += struct.pack(">i", 1) + encode_string(topic)
        body += struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, max_bytes)
        reader = self.request(self.FETCH, 4, body)
        reader.int32()
        result = {}

        def read_partition():
            reader.int32()
            result["error"] = reader.int16()
            result["highWatermark"] = reader.int64()
            reader.int64()
            reader.array(lambda: (reader.int64(), reader.int64()))
            records = reader.nullable_bytes() or b""
            result["bytes"] = len(records)
            result["lastOffset"] = last_offset_of(records)

        reader.array(lambda: (reader.string(), reader.array(read_partition)))
        return result

    def latest_offset(self, topic, partition):
        """ListOffsets v1 of the log end: (error code, offset). The cheapest question only a leader answers."""
        body = struct.pack(">i", -1) + struct.pack(">i", 1) + encode_string(topic)
        body += struct.pack(">i", 1) + struct.pack(">iq", partition, -1)
        reader = self.request(self.LIST_OFFSETS, 1, body)
        answers = []

        def read_partition():
            reader.int32()
            error = reader.int16()
            reader.int64()
            answers.append((error, reader.int64()))

        reader.array(lambda: (reader.string(), reader.array(read_partition)))
        return answers[0] if answers else (-1, None)

    def alter_partition_reassignment(self, topic, partition, target):
        """AlterPartitionReassignments v0 (flexible) of one partition to one broker: (error code, message)."""
        body = struct.pack(">i", 30_000)
        body += encode_unsigned_varint(2) + encode_compact_string(topic)
        body += encode_unsigned_varint(2) + struct.pack(">i", partition)
        body += encode_unsigned_varint(2) + struct.pack(">i", target) + b"\x00"  # replicas, tags
        body += b"\x00" + b"\x00"  # topic tags, request tags
        reader = self.request(self.ALTER_PARTITION_REASSIGNMENTS, 0, body, flexible=True)
        reader.int32()
        error, message = reader.int16(), reader.compact_string()
        answers = []

        def read_partition():
            answers.append((reader.int32(), reader.int16(), reader.compact_string()))
            reader.tagged_fields()

        def read_topic():
            reader.compact_string()
            reader.compact_array(read_partition)
            reader.tagged_fields()

        reader.compact_array(read_topic)
        if error:
            return error, message
        if not answers:
            return -1, "no answer for the partition"
        return answers[0][1], answers[0][2]


def last_offset_of(records):
    """The last offset of the whole record batches in a fetched record set (None when there are none)."""
    position, last = 0, None
    while position + 12 <= len(records):
        base_offset, length = struct.unpack_from(">qi", records, position)
        if position + 12 + length > len(records):
            break  # a partial batch at the end of a size-limited fetch
        (last_offset_delta,) = struct.unpack_from(">i", records, position + 23)
        last = base_offset + last_offset_delta
        position += 12 + length
    return last


# --- The cluster: PostgreSQL + S3 (npm run deps) and three brokers.


class Dependencies:
    """`npm run deps` in its own session under a temporary directory: PostgreSQL and s3rver."""

    def __init__(self):
        if not DEPS_MAIN.exists():
            raise SystemExit(f"{DEPS_MAIN} is missing: run `npm run build` first")
        self.directory = tempfile.mkdtemp(prefix="streambed-bench-deps-")
        self.log_path = os.path.join(self.directory, "deps.log")
        self.log = open(self.log_path, "ab")
        args = [
            "node",
            str(DEPS_MAIN),
            "--data-dir",
            self.directory,
            "--postgres-port",
            "0",
            "--s3-port",
            "0",
        ]
        self.process = subprocess.Popen(
            args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _output(self):
        with open(self.log_path, "rb") as output:
            return output.read().decode(errors="replace")

    def _wait_ready(self):
        deadline = time.monotonic() + 120
        while "Ctrl-C stops both." not in (output := self._output()):
            if self.process.poll() is not None:
                raise SystemExit(f"npm run deps exited with {self.process.returncode}:\n{output[-4000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"npm run deps not ready after 120 s:\n{output[-4000:]}")
            time.sleep(0.2)
        postgres = re.search(r"^\s*PostgreSQL\s+(\S+)", output, re.MULTILINE)
        s3 = re.search(r"^\s*S3\s+(\S+)\s+bucket (\S+?), region (\S+?),", output, re.MULTILINE)
        if not postgres or not s3:
            raise SystemExit(f"cannot read the URLs that npm run deps printed:\n{output}")
        self.database_url = postgres.group(1)
        self.s3_endpoint, self.bucket, self.region = s3.groups()

    def check_alive(self):
        if self.process is not None and self.process.poll() is not None:
            raise SystemExit(f"npm run deps exited with {self.process.returncode}:\n{self._output()[-4000:]}")

    def stop(self):
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


class ClusterBroker(harness.LocalBroker):
    """A LocalBroker that can be killed with SIGKILL and started again on the same data directory."""

    own_session = True

    def __init__(self, broker_id, wal, extra_args):
        self.broker_id = broker_id
        super().__init__(wal=wal, extra_args=["--broker-id", str(broker_id), *extra_args])

    @property
    def running(self):
        return self.process is not None

    def kill(self):
        """kill -9: no tail stored, no lease given up."""
        process, self.process = self.process, None
        process.kill()
        process.wait()
        self.log.write(f"--- killed (SIGKILL) by the benchmark at {time.strftime('%H:%M:%S')}\n".encode())
        self.log.flush()

    def spawn(self):
        self._start()


class Cluster:
    def __init__(self, options):
        self.brokers = []
        log("starting PostgreSQL and the S3 endpoint (npm run deps)")
        self.deps = Dependencies()
        try:
            # LocalBroker passes DATABASE_URL on as --database-url; the brokers inherit the S3 keys.
            os.environ["DATABASE_URL"] = self.deps.database_url
            os.environ.update(S3_CREDENTIALS)
            shared = [
                f"--s3-endpoint={self.deps.s3_endpoint}",
                f"--bucket={self.deps.bucket}",
                f"--s3-region={self.deps.region}",
                f"--lease-ms={options.lease_ms}",
                *CLUSTER_DEFAULTS,
                *options.broker_args,
            ]
            self.broker_args = shared
            for broker_id in BROKER_IDS:
                log(f"starting broker {broker_id} (--wal {options.wal})")
                self.brokers.append(ClusterBroker(broker_id, options.wal, shared))
            self.wait_for_members()
        except BaseException:
            self.stop()
            raise

    def broker(self, broker_id):
        return next(broker for broker in self.brokers if broker.broker_id == broker_id)

    def running(self, exclude=()):
        return [broker for broker in self.brokers if broker.running and broker.broker_id not in exclude]

    def bootstrap(self):
        return ",".join(broker.bootstrap for broker in self.running())

    def check_alive(self):
        """A broker that the benchmark did not kill has died: fail with its log (LocalBroker.fail)."""
        self.deps.check_alive()
        for broker in self.running():
            broker.check_alive()

    def wait_for_members(self, timeout=60):
        """Until every running broker's Metadata lists every running broker."""
        deadline = time.monotonic() + timeout
        expected = {broker.broker_id for broker in self.running()}
        for broker in self.running():
            while True:
                self.check_alive()
                try:
                    connection = KafkaConnection(broker.port)
                    try:
                        if expected <= connection.metadata()["brokers"]:
                            break
                    finally:
                        connection.close()
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"broker {broker.broker_id} does not list brokers {sorted(expected)}")
                time.sleep(0.1)

    def sql(self, query):
        """Rows of a query to the cluster's PostgreSQL through psql (None without psql)."""
        if not shutil.which("psql"):
            return None
        completed = subprocess.run(
            [
                "psql",
                self.deps.database_url,
                "-X",
                "-A",
                "-t",
                "-F",
                "\t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                query,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if completed.returncode != 0:
            raise SystemExit(f"psql failed: {completed.stderr.strip()}")
        return [line.split("\t") for line in completed.stdout.splitlines() if line]

    def stop(self):
        # One at a time, each with SIGTERM (LocalBroker.stop); PostgreSQL and S3 outlive them all.
        for broker in self.brokers:
            broker.stop()
        self.deps.stop()


def create_topic(cluster, topic, partitions, timeout=60):
    """Creates `topic` and waits until a running broker's Metadata names a live leader for each partition."""
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap(), "log_level": 2})
    admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result()
    connection = KafkaConnection(cluster.running()[0].port)
    deadline = time.monotonic() + timeout
    try:
        while True:
            cluster.check_alive()
            metadata = connection.metadata(topic)
            leaders = metadata["leaders"]
            if len(leaders) == partitions and all(
                leader in metadata["brokers"] for leader in leaders.values()
            ):
                return metadata
            if time.monotonic() > deadline:
                raise SystemExit(f"{topic}: partitions without a leader after {timeout} s: {leaders}")
            time.sleep(0.1)
    finally:
        connection.close()


# --- Part 1: failover after kill -9.


def failover_producer(bootstrap, topic, partitions, rate, record_bytes, flowing, stop, results):
    """Idempotent acks=all producer at `rate` records/s, round-robin over the partitions; each record
    carries its sequence number. Reports every delivery: sequence, partition, offset, time, latency."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the benchmark's own process handles Ctrl-C
    sequences, partitions_of, offsets = array("q"), array("i"), array("q")
    times, latencies = array("d"), array("d")
    errors = {}

    def on_delivery(error, message):
        if error is not None:
            errors[error.name()] = errors.get(error.name(), 0) + 1
            return
        sequences.append(SEQUENCE.unpack_from(message.value())[0])
        partitions_of.append(message.partition())
        offsets.append(message.offset())
        times.append(time.monotonic())
        latencies.append(message.latency())
        if len(sequences) == rate and not flowing.is_set():
            flowing.set()

    client_errors = {}

    def on_error(error):
        client_errors[error.name()] = client_errors.get(error.name(), 0) + 1

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 5,
            "error_cb": on_error,
            # Connection refused from the killed broker is expected: keep stderr for real problems.
            "log_level": 2,
        }
    )
    producer.list_topics(topic, timeout=10)
    filler = os.urandom(record_bytes - SEQUENCE.size)
    started = time.monotonic()
    sent = 0
    fatal = None
    try:
        while not stop.is_set():
            due = started + sent / rate
            while (wait := due - time.monotonic()) > 0:
                producer.poll(min(wait, 0.01))
            try:
                producer.produce(
                    topic,
                    value=SEQUENCE.pack(sent) + filler,
                    partition=sent % partitions,
                    on_delivery=on_delivery,
                )
                sent += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
    except confluent_kafka.KafkaException as error:
        # A fatal error (e.g. the idempotent producer finding that the broker lost acknowledged
        # records) ends this producer: report it with what was acknowledged before it.
        fatal = error.args[0].str() if error.args else str(error)
    try:
        remaining = producer.flush(120)
    except confluent_kafka.KafkaException as error:
        fatal = fatal or (error.args[0].str() if error.args else str(error))
        remaining = len(producer)
    results.put(
        {
            "sent": sent,
            "fatal": fatal,
            "undelivered": remaining,
            "errors": errors,
            "clientErrors": client_errors,
            "sequences": sequences,
            "partitions": partitions_of,
            "offsets": offsets,
            "times": times,
            "latencies": latencies,
        }
    )


def read_back(bootstrap, topic, partitions, timeout=120):
    """Every record of `topic` up to the high watermarks: {(partition, offset): sequence}."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-read-back-{topic}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 100,
            "log_level": 2,
        }
    )
    try:
        ends = {}
        for partition in range(partitions):
            _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
            ends[partition] = high
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        stored = {}
        positions = {partition: 0 for partition in range(partitions)}
        deadline = time.monotonic() + timeout
        while any(positions[p] < ends[p] for p in range(partitions)):
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"read-back of {topic} incomplete after {timeout} s: at {positions} of {ends}"
                )
            for message in consumer.consume(num_messages=10_000, timeout=0.5):
                if message.error():
                    continue
                stored[(message.partition(), message.offset())] = SEQUENCE.unpack_from(message.value())[0]
                positions[message.partition()] = message.offset() + 1
        return stored, ends
    finally:
        consumer.close()


def longest_gap(times, start, end):
    """The longest interval within [start, end] without a time in `times` (sorted): (length, its end)."""
    points = [start, *(t for t in times if start < t < end), end]
    return max((b - a, b) for a, b in zip(points, points[1:]))


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def wait_until_served(cluster, topic, leaders, timeout=30):
    """When each new leader first answered ListOffsets for its partition: the broker's side of a
    failover ends there, whatever the client then takes to find it and retry."""
    connections = {leader: KafkaConnection(cluster.broker(leader).port) for leader in set(leaders.values())}
    served = {}
    deadline = time.monotonic() + timeout
    try:
        while len(served) < len(leaders):
            cluster.check_alive()
            for partition, leader in leaders.items():
                if partition not in served and connections[leader].latest_offset(topic, partition)[0] == 0:
                    served[partition] = time.monotonic()
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"{topic}: new leaders do not answer ListOffsets after {timeout} s: {leaders}"
                )
            time.sleep(POLL_SECONDS)
    finally:
        for connection in connections.values():
            connection.close()
    return max(served.values(), default=None)


def producer_result(producer, results, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return results.get(timeout=0.5)
        except queue.Empty:
            pass
        if not producer.is_alive():
            # It may have put its result just before exiting.
            try:
                return results.get(timeout=1)
            except queue.Empty:
                raise SystemExit(f"the producer exited with {producer.exitcode} without a result") from None
        if time.monotonic() > deadline:
            raise SystemExit(f"no result from the producer within {timeout} s")


def failover_run(cluster, options, run, run_id, context):
    topic = f"failover-{run_id}-{run}"
    metadata = create_topic(cluster, topic, options.partitions)
    leaders = metadata["leaders"]
    leading = sorted(set(leaders.values()))
    victim_id = leading[(run + 1) % len(leading)]
    victim = cluster.broker(victim_id)
    victim_partitions = sorted(p for p, leader in leaders.items() if leader == victim_id)
    was_controller = metadata["controller"] == victim_id

    results = context.Queue()
    flowing, stop = context.Event(), context.Event()
    producer = context.Process(
        target=failover_producer,
        name="failover-producer",
        args=(
            cluster.bootstrap(),
            topic,
            options.partitions,
            options.rate,
            options.record_bytes,
            flowing,
            stop,
            results,
        ),
    )
    producer.start()
    survivor = cluster.running(exclude=(victim_id,))[0]
    connection = None
    try:
        deadline = time.monotonic() + 60
        while not flowing.wait(0.2):
            cluster.check_alive()
            if not producer.is_alive():
                raise SystemExit(f"the producer exited with {producer.exitcode} before its records flowed")
            if time.monotonic() > deadline:
                raise SystemExit("the producer's records are not acknowledged after 60 s")
        time.sleep(options.warmup_seconds)
        connection = KafkaConnection(survivor.port)
        warm = time.monotonic()
        log(
            f"run {run + 1}: kill -9 broker {victim_id} (leads partitions {victim_partitions}"
            f"{', controller' if was_controller else ''}); polling Metadata of broker {survivor.broker_id}"
        )
        killed_at = time.monotonic()
        victim.kill()
        gone_at = controller_at = led_at = None
        polls = 0
        while led_at is None:
            cluster.check_alive()
            now = time.monotonic()
            if now - killed_at > 60:
                raise SystemExit(f"run {run + 1}: partitions still without a live leader 60 s after the kill")
            try:
                metadata = connection.metadata(topic)
            except OSError as error:
                raise SystemExit(
                    f"Metadata from surviving broker {survivor.broker_id} failed: {error}"
                ) from None
            polls += 1
            now = time.monotonic()
            live = metadata["brokers"] - {victim_id}
            if gone_at is None and victim_id not in metadata["brokers"]:
                gone_at = now
            if was_controller and controller_at is None and metadata["controller"] in live:
                controller_at = now
            if all(leader in live for leader in metadata["leaders"].values()):
                led_at = now
                break
            time.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - now)))
        new_leaders = metadata["leaders"]
        log(f"run {run + 1}: every partition led by a live broker {ms(led_at - killed_at)} ms after the kill")
        served_at = wait_until_served(cluster, topic, {p: new_leaders[p] for p in victim_partitions})
        time.sleep(options.after_seconds)
        stopped_at = time.monotonic()
        stop.set()
        produced = producer_result(producer, results, 180)
        producer.join(10)
    except BaseException:
        if producer.is_alive():
            producer.terminate()
        raise
    finally:
        if connection is not None:
            connection.close()

    stored, ends = read_back(cluster.bootstrap(), topic, options.partitions)
    acknowledged = len(produced["sequences"])
    where = {}
    for (partition, offset), sequence in stored.items():
        where.setdefault(sequence, []).append((partition, offset))
    missing = misplaced = 0
    for sequence, partition, offset in zip(
        produced["sequences"], produced["partitions"], produced["offsets"]
    ):
        if sequence not in where:
            missing += 1
        elif (partition, offset) not in where[sequence]:
            misplaced += 1
    duplicates = sum(len(places) - 1 for places in where.values())

    times = sorted(produced["times"])
    per_partition = {}
    for partition, moment in zip(produced["partitions"], produced["times"]):
        per_partition.setdefault(partition, []).append(moment)
    # The killed broker's partitions: their longest silence, and when the last of them spoke again
    # (None when one never did before the producer stopped).
    victim_gaps = [longest_gap(sorted(per_partition.get(p, [])), warm, stopped_at) for p in victim_partitions]
    victim_gap = max(length for length, _ in victim_gaps)
    silences_ended = [end for _, end in victim_gaps]
    resumed = None if stopped_at in silences_ended else max(silences_ended) - killed_at
    latencies = sorted(produced["latencies"])

    log(f"run {run + 1}: restarting broker {victim_id}")
    restart_started = time.monotonic()
    victim.spawn()
    cluster.wait_for_members()
    restart_seconds = time.monotonic() - restart_started
    return {
        "run": run + 1,
        "topic": topic,
        "victim": victim_id,
        "victimWasController": was_controller,
        "victimPartitions": victim_partitions,
        "leadersBefore": {str(p): leader for p, leader in sorted(leaders.items())},
        "leadersAfter": {str(p): leader for p, leader in sorted(new_leaders.items())},
        "askedBroker": survivor.broker_id,
        "metadataPolls": polls,
        "victimUnlistedMs": ms(gone_at - killed_at) if gone_at else None,
        "controllerLiveMs": ms(controller_at - killed_at) if controller_at else None,
        "failoverMs": ms(led_at - killed_at),
        "victimServedMs": ms(served_at - killed_at) if served_at else None,
        "produceGapMs": ms(longest_gap(times, warm, stopped_at)[0]),
        "victimPartitionGapMs": ms(victim_gap),
        "victimResumedMs": ms(resumed),
        "ackLatencyP50Ms": harness.latency_summary(list(latencies))["p50Ms"],
        "ackLatencyMaxMs": ms(latencies[-1]) if latencies else None,
        "sent": produced["sent"],
        "acknowledged": acknowledged,
        "failed": sum(produced["errors"].values()),
        "deliveryErrors": produced["errors"],
        "clientErrors": produced["clientErrors"],
        "undelivered": produced["undelivered"],
        "producerFatalError": produced["fatal"],
        "stored": len(stored),
        "highWatermarks": {str(p): end for p, end in ends.items()},
        "missing": missing,
        "misplaced": misplaced,
        "duplicates": duplicates,
        "restartSeconds": round(restart_seconds, 1),
    }


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"min": None, "median": None, "max": None}
    return {"min": min(values), "median": round(statistics.median(values), 1), "max": max(values)}


def run_failover(cluster, options, run_id):
    context = multiprocessing.get_context("spawn")
    runs = []
    for run in range(options.failover_runs):
        runs.append(failover_run(cluster, options, run, run_id, context))
    summary = {
        key: spread([run[key] for run in runs])
        for key in (
            "failoverMs",
            "victimServedMs",
            "produceGapMs",
            "victimPartitionGapMs",
            "victimResumedMs",
            "ackLatencyMaxMs",
        )
    }
    return {"runs": runs, "summary": summary, "missingTotal": sum(run["missing"] for run in runs)}


# --- Part 2: reassignment time vs partition size.


def fill(cluster, topic, counts, bootstrap):
    """Writes counts[p] records of 1 MB to partition p (all partitions at once), acks=all."""
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "linger.ms": 20,
            # One 1 MB record is one batch (max.message.bytes is 1048588); a request carries one.
            "message.max.bytes": 1_100_000,
            "queue.buffering.max.kbytes": 512 * 1024,
            "log_level": 2,
        }
    )
    failures = []

    def on_delivery(error, _message):
        if error is not None:
            failures.append(error.name())

    payload = os.urandom(FILL_RECORD_BYTES)
    remaining = dict(counts)
    total = sum(counts.values())
    started = reported = time.monotonic()
    sent = 0
    while remaining:
        for partition in list(remaining):
            try:
                producer.produce(topic, value=payload, partition=partition, on_delivery=on_delivery)
            except BufferError:
                producer.poll(0.05)
                continue
            sent += 1
            remaining[partition] -= 1
            if remaining[partition] == 0:
                del remaining[partition]
        producer.poll(0)
        if time.monotonic() - reported >= 10:
            reported = time.monotonic()
            cluster.check_alive()
            log(f"filling: {sent}/{total} records sent")
    left = producer.flush(600)
    if failures or left:
        raise SystemExit(
            f"filling {topic}: {len(failures)} records failed ({set(failures)}), {left} unacknowledged"
        )
    seconds = time.monotonic() - started
    return {
        "records": total,
        "seconds": round(seconds, 1),
        "megabytesPerSecond": round(total * FILL_RECORD_BYTES / seconds / 1e6, 1),
    }


def wait_until_stored(cluster, timeout):
    started = time.monotonic()
    while True:
        cluster.check_alive()
        pending = {
            broker.broker_id: broker.stats()["uploader"]["pendingBytes"] for broker in cluster.running()
        }
        if not any(pending.values()):
            return round(time.monotonic() - started, 1)
        if time.monotonic() - started > timeout:
            raise SystemExit(
                f"fill not stored in objects after {timeout} s: pending bytes by broker {pending}"
            )
        time.sleep(0.5)


def object_ranges(cluster, topic):
    rows = cluster.sql(
        "SELECT r.partition_index, r.object_id::text, r.base_offset::text, r.position::text, r.size::text "
        f"FROM object_ranges r JOIN topics t USING (topic_id) WHERE t.name = '{topic}' "
        "ORDER BY r.partition_index, r.base_offset"
    )
    return None if rows is None else [tuple(row) for row in rows]


def reassign(cluster, topic, partition, last_offset, timeout=120):
    """Moves `partition` from its leader to the next broker; times Metadata and the first fetch."""
    asked = KafkaConnection(cluster.running()[0].port)
    try:
        source = asked.metadata(topic)["leaders"][partition]
    finally:
        asked.close()
    ids = sorted(broker.broker_id for broker in cluster.running())
    target_id = ids[(ids.index(source) + 1) % len(ids)]
    target = KafkaConnection(cluster.broker(target_id).port, timeout=30)
    try:
        started = time.monotonic()
        error, message = target.alter_partition_reassignment(topic, partition, target_id)
        answered = time.monotonic()
        if error:
            raise SystemExit(
                f"AlterPartitionReassignments {topic}-{partition} -> {target_id}: error {error} {message}"
            )
        deadline = started + timeout
        while target.metadata(topic)["leaders"].get(partition) != target_id:
            cluster.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"{topic}-{partition}: broker {target_id} not the leader after {timeout} s")
            time.sleep(POLL_SECONDS)
        led = time.monotonic()
        fetch_errors = {}
        while True:
            result = target.fetch(topic, partition, last_offset)
            if (
                result["error"] == 0
                and result["lastOffset"] is not None
                and result["lastOffset"] >= last_offset
            ):
                break
            fetch_errors[result["error"]] = fetch_errors.get(result["error"], 0) + 1
            cluster.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"{topic}-{partition}: no fetch of offset {last_offset} from broker {target_id}: {result}"
                )
            time.sleep(POLL_SECONDS)
        fetched = time.monotonic()
    finally:
        target.close()
    return {
        "from": source,
        "to": target_id,
        "requestMs": ms(answered - started),
        "reassignmentMs": ms(led - started),
        "firstFetchAfterMs": ms(fetched - led),
        "totalMs": ms(fetched - started),
        "fetchedBytes": result["bytes"],
        "highWatermark": result["highWatermark"],
        "fetchErrorsBeforeSuccess": {str(code): count for code, count in fetch_errors.items()},
    }


def run_reassignment(cluster, options, run_id):
    topic = f"reassign-{run_id}"
    sizes = options.sizes
    create_topic(cluster, topic, len(sizes))
    counts = {
        partition: max(1, math.ceil(size / FILL_RECORD_BYTES)) for partition, (_, size) in enumerate(sizes)
    }
    log(f"filling {topic}: {', '.join(f'partition {p}: {label}' for p, (label, _) in enumerate(sizes))}")
    filled = fill(cluster, topic, counts, cluster.bootstrap())
    log(f"filled in {filled['seconds']} s ({filled['megabytesPerSecond']} MB/s); waiting for the uploads")
    filled["uploadWaitSeconds"] = wait_until_stored(cluster, options.upload_timeout_seconds)
    before = object_ranges(cluster, topic)
    rows = []
    for partition, (label, size) in enumerate(sizes):
        stored_bytes = blocks = None
        if before is not None:
            ranges = [r for r in before if int(r[0]) == partition]
            stored_bytes, blocks = sum(int(r[4]) for r in ranges), len(ranges)
        log(f"reassigning partition {partition} ({label})")
        moved = reassign(cluster, topic, partition, counts[partition] - 1)
        rows.append(
            {
                "size": label,
                "partition": partition,
                "records": counts[partition],
                "bytesStored": stored_bytes,
                "blocks": blocks,
                **moved,
            }
        )
    after = object_ranges(cluster, topic)
    if before is None:
        ranges_check = "not checked: psql not found"
    elif before == after:
        ranges_check = f"unchanged ({len(before)} blocks: same objects, same positions)"
    else:
        ranges_check = (
            f"CHANGED: {len(set(before) - set(after))} blocks gone, {len(set(after) - set(before))} new"
        )
    return {
        "topic": topic,
        "fill": filled,
        "partitions": rows,
        "objectRanges": ranges_check,
        "objectRangesUnchanged": before == after if before is not None else None,
    }


# --- Report.


def machine_note():
    cores = os.cpu_count()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{cores} cores shared by 3 brokers, s3rver, PostgreSQL and the clients (load average {load}): "
        "compare runs on this machine, not with real hardware against real S3"
    )


def print_failover(report, options):
    print(
        f"Failover after kill -9: {options.partitions} partitions, {options.rate} records/s idempotent acks=all"
    )
    rows = []
    for run in report["runs"]:
        rows.append(
            {
                **run,
                "victim": f"{run['victim']}{' (controller)' if run['victimWasController'] else ''}",
                "victimPartitions": ",".join(map(str, run["victimPartitions"])),
            }
        )
    columns = [
        "run",
        "victim",
        "victimPartitions",
        "victimUnlistedMs",
        "failoverMs",
        "victimServedMs",
        "produceGapMs",
        "victimPartitionGapMs",
        "victimResumedMs",
        "ackLatencyMaxMs",
        "acknowledged",
        "failed",
        "missing",
        "duplicates",
    ]
    headers = {
        "victimPartitions": "its partitions",
        "victimUnlistedMs": "unlisted ms",
        "failoverMs": "all led ms",
        "victimServedMs": "served ms",
        "produceGapMs": "gap(any) ms",
        "victimPartitionGapMs": "gap(its) ms",
        "victimResumedMs": "resumed(its) ms",
        "ackLatencyMaxMs": "max ack ms",
    }
    harness.print_table(rows, columns, 3, headers)
    print()
    summary = [{"metric": headers.get(key, key), **values} for key, values in report["summary"].items()]
    harness.print_table(summary, ["metric", "min", "median", "max"], 1)
    print()
    print(
        "all led: kill -9 until the surviving broker's Metadata names a live leader for every partition; "
        "served: until each new leader of the killed broker's partitions answers ListOffsets for it; "
        "gap(any): longest time without any delivery report; gap(its): the same on each of the killed broker's "
        "partitions; resumed(its): kill until the last of them had a delivery report again; "
        "missing: acknowledged records not read back"
    )
    for run in report["runs"]:
        if run["producerFatalError"]:
            print(f"run {run['run']}: the producer stopped on a fatal error: {run['producerFatalError']}")


def print_reassignment(report):
    print("Reassignment (AlterPartitionReassignments to the next broker) vs partition size")
    columns = [
        "size",
        "partition",
        "records",
        "bytesStored",
        "blocks",
        "from",
        "to",
        "requestMs",
        "reassignmentMs",
        "firstFetchAfterMs",
        "totalMs",
    ]
    headers = {
        "reassignmentMs": "until Metadata ms",
        "firstFetchAfterMs": "first fetch after ms",
        "requestMs": "request ms",
        "totalMs": "total ms",
    }
    harness.print_table(report["partitions"], columns, 1, headers)
    fill = report["fill"]
    print()
    print(
        f"fill: {fill['records']} records of 1 MB in {fill['seconds']} s ({fill['megabytesPerSecond']} MB/s), "
        f"stored {fill['uploadWaitSeconds']} s later; object_ranges across the moves: {report['objectRanges']}"
    )
    print(
        "until Metadata: request sent until the new leader's Metadata names it; first fetch after: from then "
        "until a Fetch of the partition's last record from the new leader returned it"
    )


def interrupt(_signal, _frame):
    """A SIGTERM to the benchmark cleans up as Ctrl-C does."""
    raise KeyboardInterrupt()


def main():
    options = parse_args()
    run_id = f"{int(time.time())}-{os.getpid()}"
    started = time.monotonic()
    signal.signal(signal.SIGTERM, interrupt)
    report = {
        "benchmark": "failover-reassignment",
        "client": f"confluent-kafka {confluent_kafka.version()[0]} / librdkafka {confluent_kafka.libversion()[0]}",
        "wal": options.wal,
        "leaseMs": options.lease_ms,
        "brokers": len(BROKER_IDS),
        "brokerArgs": [*CLUSTER_DEFAULTS, *options.broker_args],
        "machine": {"cores": os.cpu_count(), "loadAverageAtStart": [round(v, 2) for v in os.getloadavg()]},
    }
    cluster = Cluster(options)
    try:
        if "failover" in options.parts:
            report["failover"] = run_failover(cluster, options, run_id)
        if "reassignment" in options.parts:
            report["reassignment"] = run_reassignment(cluster, options, run_id)
        cluster.check_alive()
    finally:
        log("stopping the brokers and the dependencies")
        cluster.stop()
    report["seconds"] = round(time.monotonic() - started, 1)
    report["machine"]["loadAverageAtEnd"] = [round(v, 2) for v in os.getloadavg()]
    print(
        f"3 brokers, --wal {options.wal}, --lease-ms {options.lease_ms}, "
        f"broker flags: {' '.join(report['brokerArgs'])}"
    )
    print(f"machine: {machine_note()}")
    print()
    verdict = 0
    if "failover" in report:
        print_failover(report["failover"], options)
        missing = report["failover"]["missingTotal"]
        if options.wal == "object":
            check = "OK" if missing == 0 else "FAILED"
            print(f"object WAL loses no acknowledged record: {check} ({missing} missing)")
            verdict = verdict or (missing != 0)
        else:
            print(
                f"file WAL: {missing} acknowledged records missing (allowed: see README, 'What a failover may lose')"
            )
        print()
    if "reassignment" in report:
        print_reassignment(report["reassignment"])
        if report["reassignment"]["objectRangesUnchanged"] is False:
            verdict = 1
        print()
    print(f"took {report['seconds']} s")
    print(json.dumps(report))
    return verdict


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: brokers and dependencies stopped", file=sys.stderr)
        sys.exit(130)
