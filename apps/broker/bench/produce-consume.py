#!/usr/bin/python3
# End-to-end produce/consume benchmark with librdkafka (confluent-kafka) as the load client:
# produce throughput and delivery latency for acks=1 and acks=all, paced-rate latency, then
# consume throughput. Starts its own broker unless --bootstrap is given; --wal-kinds file,object
# runs the workload once per WAL kind (a fresh broker each) and compares them. Prints a table,
# then one JSON line. Run: /usr/bin/python3 apps/broker/bench/produce-consume.py [--help]
import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import confluent_kafka
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

BROKER_MAIN = Path(__file__).resolve().parent.parent / "dist" / "main.js"
WAL_KINDS = ("file", "object")
# The broker's defaults (config.ts / broker.ts): the object WAL acknowledges after an upload.
DEFAULT_UPLOAD_INTERVAL_MS = {"file": 1000, "object": 20}
# Flags the harness sets itself; a pass-through copy would point the clients at the wrong broker.
RESERVED_BROKER_FLAGS = ("--listen", "--http-listen", "--data-dir", "--wal")


def split_broker_args(argv):
    """Everything after a bare `--` goes to the broker unchanged (e.g. `-- --block-cache-bytes=0`)."""
    if "--" in argv:
        index = argv.index("--")
        return argv[:index], argv[index + 1 :]
    return argv, []


def add_broker_options(parser):
    """The options of a benchmark that starts its own broker (shared with backfill-isolation.py)."""
    parser.add_argument(
        "--wal", choices=WAL_KINDS, default="file", help="WAL kind of the started broker (default: file)"
    )
    parser.add_argument(
        "--broker-arg",
        action="append",
        default=[],
        metavar="FLAG",
        help="extra broker flag(s), repeatable; use the = form: --broker-arg=--upload-interval-ms=5 "
        "(flags after a bare -- are passed through too)",
    )


def broker_args_from(options, passed_through):
    extra = [word for value in options.broker_arg for word in shlex.split(value)] + passed_through
    for word in extra:
        if word.split("=", 1)[0] in RESERVED_BROKER_FLAGS:
            raise SystemExit(f"{word}: the benchmark sets this broker flag itself")
    return extra


def parse_args():
    parser = argparse.ArgumentParser(
        description="librdkafka produce/consume benchmark against a Streambed broker "
        "(started here unless --bootstrap)",
        epilog="Broker flags after a bare -- are passed to the started broker(s).",
    )
    parser.add_argument("--bootstrap", help="use this broker instead of starting one (HOST:PORT)")
    parser.add_argument(
        "--start-broker",
        action="store_true",
        help="start a broker on free ports with a fresh data directory (the default without --bootstrap)",
    )
    add_broker_options(parser)
    parser.add_argument(
        "--wal-kinds",
        help="comma-separated WAL kinds (file,object): run the workload once per kind, each on a fresh "
        "broker, and print a comparison",
    )
    parser.add_argument("--records", type=int, default=500_000, help="records per throughput run")
    parser.add_argument("--record-bytes", type=int, default=1024)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--compression", default="none", help="producer compression.type")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time bound of each run")
    parser.add_argument("--paced-rate", type=int, default=2000, help="records/s of the paced latency runs")
    parser.add_argument("--paced-seconds", type=float, default=5.0, help="length of each paced latency run")
    argv, passed_through = split_broker_args(sys.argv[1:])
    options = parser.parse_args(argv)
    starts_broker = options.start_broker or options.wal_kinds or options.broker_arg or passed_through
    if options.bootstrap and starts_broker:
        parser.error("--bootstrap names a running broker: no --start-broker, --wal-kinds or broker flags")
    options.broker_args = broker_args_from(options, passed_through)
    if options.wal_kinds:
        kinds = [kind.strip() for kind in options.wal_kinds.split(",") if kind.strip()]
        unknown = [kind for kind in kinds if kind not in WAL_KINDS]
        if unknown or not kinds:
            parser.error(f"--wal-kinds: expected a list of {', '.join(WAL_KINDS)}, got {options.wal_kinds!r}")
        options.wal_kinds = kinds
    return options


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flag_value(args, flag):
    """The last value of `flag` in a broker argument list (`--flag=value` or `--flag value`)."""
    value = None
    for index, word in enumerate(args):
        if word.startswith(flag + "="):
            value = word.split("=", 1)[1]
        elif word == flag and index + 1 < len(args):
            value = args[index + 1]
    return value


class LocalBroker:
    """A broker process on free ports with a temporary data directory (and, without
    DATABASE_URL, its own embedded PostgreSQL and S3 endpoint under it). restart() keeps the data
    directory, so what the broker stored survives while its memory (log and block caches) does not."""

    # True runs the broker in its own session: a Ctrl-C in the terminal then reaches only the
    # benchmark, which stops its brokers in order (a cluster's shared dependencies last).
    own_session = False

    def __init__(self, wal="file", extra_args=()):
        if not BROKER_MAIN.exists():
            raise SystemExit(f"{BROKER_MAIN} is missing: run `npm run build` first")
        self.wal = wal
        self.extra_args = list(extra_args)
        self.directory = tempfile.mkdtemp(prefix="streambed-bench-")
        # The embedded PostgreSQL runs as its own user when we are root: it must reach its directory.
        os.chmod(self.directory, 0o755)
        self.log_path = os.path.join(self.directory, "broker.log")
        self.log = open(self.log_path, "ab")
        self.database = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded"
        self.process = None
        self.starts = 0
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    @property
    def upload_interval_ms(self):
        configured = flag_value(self.extra_args, "--upload-interval-ms") or os.environ.get(
            "STREAMBED_UPLOAD_INTERVAL_MS"
        )
        return int(configured) if configured else DEFAULT_UPLOAD_INTERVAL_MS[self.wal]

    def _start(self):
        self.port, self.http_port = free_port(), free_port()
        args = [
            "node",
            str(BROKER_MAIN),
            "--listen",
            f"127.0.0.1:{self.port}",
            "--http-listen",
            f"127.0.0.1:{self.http_port}",
            "--data-dir",
            os.path.join(self.directory, "data"),
            "--wal",
            self.wal,
            "--log-level",
            "warn",
        ]
        if os.environ.get("DATABASE_URL"):
            args += ["--database-url", os.environ["DATABASE_URL"]]
        # Last, so that e.g. a --log-level given here wins.
        args += self.extra_args
        self.starts += 1
        self.log.write(f"--- start {self.starts}: {shlex.join(args)}\n".encode())
        self.log.flush()
        self.process = subprocess.Popen(
            args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=self.own_session
        )
        self._wait_ready()

    def _wait_ready(self):
        """/health answers before the Kafka listener is up, and Metadata names no controller until
        the broker's first cluster view (an AdminClient that sees none then waits minutes for one
        before CreateTopics): wait for all three."""
        deadline = time.monotonic() + 90
        healthy = listening = False
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if not healthy:
                    health = f"http://127.0.0.1:{self.http_port}/health"
                    with urllib.request.urlopen(health, timeout=1) as response:
                        healthy = response.status == 200
                if healthy and not listening:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        listening = True
                if listening:
                    admin = AdminClient({"bootstrap.servers": self.bootstrap})
                    if admin.list_topics(timeout=2).controller_id >= 0:
                        return
            except (OSError, confluent_kafka.KafkaException):
                pass
            time.sleep(0.2)
        self.fail("broker not ready after 90 s")

    def restart(self):
        self.terminate()
        self._start()

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/stats", timeout=10) as response:
            return json.load(response)

    def log_tail(self, characters=4000):
        """The output of the latest start: its beginning (a startup error) and its end."""
        self.log.flush()
        with open(self.log_path, "rb") as log:
            output = log.read().decode(errors="replace")
        output = output[output.rfind("--- start ") :]
        if len(output) <= characters:
            return output
        return f"{output[: characters // 2]}\n[...]\n{output[-characters // 2 :]}"

    def check_alive(self):
        if self.process is not None and self.process.poll() is not None:
            self.fail(f"broker exited with {self.process.returncode}")

    def fail(self, reason):
        output = self.log_tail()
        if self.process is not None and self.process.poll() is not None:
            self.process = None  # already reported here: stop() need not say it again
        self.stop()
        raise SystemExit(f"{reason}; its output:\n{output}")

    def terminate(self):
        """SIGTERM (the broker stores its WAL tail and leaves the cluster), then waits for the exit."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is not None:
            print(
                f"broker had exited with {process.returncode}; its output:\n{self.log_tail()}",
                file=sys.stderr,
            )
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            print("broker did not stop within 60 s of SIGTERM: killed", file=sys.stderr)
            process.kill()
            process.wait()

    def stop(self):
        self.terminate()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def latency_summary(latencies):
    """p50/p99/p999/max in ms of latencies given in seconds."""
    latencies.sort()

    def ms(value):
        return None if value is None else round(value * 1000, 2)

    return {
        "p50Ms": ms(percentile(latencies, 0.50)),
        "p99Ms": ms(percentile(latencies, 0.99)),
        "p999Ms": ms(percentile(latencies, 0.999)),
        "maxMs": ms(latencies[-1] if latencies else None),
    }


def create_topic(bootstrap, topic, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result()


def produce_run(bootstrap, topic, acks, options, records, rate=None):
    """Produces up to `records` records (paced at `rate`/s when given) within max-seconds; the
    latency of each record is produce() to its delivery report (librdkafka's msg.latency())."""
    latencies, failures = [], [0]
    delivered_bytes = [0]

    def on_delivery(error, message):
        if error is not None:
            failures[0] += 1
            return
        latencies.append(message.latency())
        delivered_bytes[0] += len(message.value())

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": acks,
            # Throughput runs batch for 5 ms; paced runs send at once, so latency is the broker's.
            "linger.ms": 5 if rate is None else 0,
            "compression.type": options.compression,
            "queue.buffering.max.messages": 200_000,
        }
    )
    producer.list_topics(topic, timeout=10)
    payload = os.urandom(options.record_bytes // 2).hex().encode()[: options.record_bytes]
    started = time.monotonic()
    deadline = started + options.max_seconds
    sent = 0
    while sent < records and time.monotonic() < deadline:
        if rate is not None:
            due = started + sent / rate
            # poll() returns early when it served a delivery report: wait until due.
            while (wait := due - time.monotonic()) > 0:
                producer.poll(wait)
        try:
            producer.produce(topic, value=payload, on_delivery=on_delivery)
            sent += 1
        except BufferError:
            producer.poll(0.01)
            continue
        if sent % 1000 == 0:
            producer.poll(0)
    producer.flush(max(10.0, deadline - time.monotonic()))
    seconds = time.monotonic() - started
    count = len(latencies)
    return {
        "phase": "produce" if rate is None else f"produce @{rate}/s",
        "acks": acks,
        "records": count,
        "failed": failures[0],
        "seconds": round(seconds, 3),
        "recordsPerSecond": round(count / seconds),
        "megabytesPerSecond": round(delivered_bytes[0] / seconds / 1e6, 2),
        **latency_summary(latencies),
    }


def consume_run(bootstrap, topic, partitions, records, options):
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-{topic}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 100,
        }
    )
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    count, size = 0, 0
    started = time.monotonic()
    deadline = started + options.max_seconds
    while count < records and time.monotonic() < deadline:
        for message in consumer.consume(num_messages=10_000, timeout=0.5):
            if message.error():
                continue
            count += 1
            size += len(message.value())
    seconds = time.monotonic() - started
    consumer.close()
    return {
        "phase": "consume",
        "acks": "-",
        "records": count,
        "failed": records - count,
        "seconds": round(seconds, 3),
        "recordsPerSecond": round(count / seconds),
        "megabytesPerSecond": round(size / seconds / 1e6, 2),
        "p50Ms": None,
        "p99Ms": None,
        "p999Ms": None,
        "maxMs": None,
    }


def run_workload(bootstrap, options, run_id):
    """Throughput for acks=1 and acks=all, paced latency for both, then consume what acks=all wrote."""
    topics, throughput, paced = {}, {}, {}
    for acks in ("1", "all"):
        topic = f"bench-acks-{acks}-{run_id}"
        create_topic(bootstrap, topic, options.partitions)
        topics[acks] = topic
        throughput[acks] = produce_run(bootstrap, topic, acks, options, options.records)
    for acks in ("1", "all"):
        records = int(options.paced_rate * options.paced_seconds)
        paced[acks] = produce_run(bootstrap, topics[acks], acks, options, records, rate=options.paced_rate)
    produced_all = throughput["all"]["records"] + paced["all"]["records"]
    consumed = consume_run(bootstrap, topics["all"], options.partitions, produced_all, options)
    return [throughput["1"], throughput["all"], paced["1"], paced["all"], consumed]


def run_on_started_broker(options, wal, run_id):
    broker = LocalBroker(wal=wal, extra_args=options.broker_args)
    try:
        rows = run_workload(broker.bootstrap, options, f"{wal}-{run_id}")
        # A broker that died mid-run leaves failed rows behind: say why.
        broker.check_alive()
    except Exception:
        if broker.process is not None and broker.process.poll() is not None:
            print(f"broker exited with {broker.process.returncode}:\n{broker.log_tail()}", file=sys.stderr)
        raise
    finally:
        broker.stop()
    for row in rows:
        row["wal"] = wal
        row["uploadIntervalMs"] = broker.upload_interval_ms
    return rows, broker.database


def print_table(rows, columns, left_aligned, headers=None):
    """Columns before `left_aligned` are text; `headers` relabels columns."""
    labels = [(headers or {}).get(c, c) for c in columns]
    cells = [[("-" if row.get(c) is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(label), *(len(r[i]) for r in cells)) for i, label in enumerate(labels)]
    print("  ".join(label.ljust(w) for label, w in zip(labels, widths)))
    for row in cells:
        print(
            "  ".join(
                v.ljust(w) if i < left_aligned else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths))
            )
        )


def print_rows(rows, with_wal):
    columns = [
        "phase",
        "acks",
        "records",
        "failed",
        "seconds",
        "recordsPerSecond",
        "megabytesPerSecond",
        "p50Ms",
        "p99Ms",
        "p999Ms",
        "maxMs",
    ]
    print_table(rows, (["wal"] if with_wal else []) + columns, 3 if with_wal else 2)


def print_comparison(rows, kinds, options):
    """One column per WAL kind: the numbers to compare side by side."""

    def find(wal, phase, acks):
        return next(r for r in rows if r["wal"] == wal and r["phase"] == phase and r["acks"] == acks)

    paced = f"produce @{options.paced_rate}/s"
    metrics = []
    for acks in ("1", "all"):
        metrics.append((f"produce acks={acks} records/s", "produce", acks, "recordsPerSecond"))
        metrics.append((f"produce acks={acks} MB/s", "produce", acks, "megabytesPerSecond"))
    for acks in ("1", "all"):
        for key in ("p50Ms", "p99Ms", "p999Ms"):
            metrics.append((f"latency @{options.paced_rate}/s acks={acks} {key[:-2]} ms", paced, acks, key))
    metrics.append(("consume records/s", "consume", "-", "recordsPerSecond"))
    metrics.append(("consume MB/s", "consume", "-", "megabytesPerSecond"))
    table = []
    for label, phase, acks, key in metrics:
        table.append({"metric": label, **{wal: find(wal, phase, acks)[key] for wal in kinds}})
    headers = {}
    for wal in kinds:
        headers[wal] = f"{wal} (upload interval {find(wal, 'consume', '-')['uploadIntervalMs']} ms)"
    print_table(table, ["metric", *kinds], 1, headers)


def main():
    options = parse_args()
    run_id = f"{int(time.time())}-{os.getpid()}"
    started = time.monotonic()
    if options.bootstrap:
        rows = run_workload(options.bootstrap, options, run_id)
        broker_description, kinds = options.bootstrap, []
        print_rows(rows, with_wal=False)
    else:
        kinds = options.wal_kinds or [options.wal]
        rows = []
        for wal in kinds:
            kind_rows, database = run_on_started_broker(options, wal, run_id)
            rows += kind_rows
        broker_description = f"local ({database} PostgreSQL)"
        print_rows(rows, with_wal=True)
        if len(kinds) > 1:
            print()
            print_comparison(rows, kinds, options)
    print(
        json.dumps(
            {
                "benchmark": "produce-consume",
                "client": f"confluent-kafka {confluent_kafka.version()[0]}"
                f" / librdkafka {confluent_kafka.libversion()[0]}",
                "broker": broker_description,
                "brokerArgs": options.broker_args,
                "walKinds": kinds,
                "recordBytes": options.record_bytes,
                "partitions": options.partitions,
                "compression": options.compression,
                "pacedRate": options.paced_rate,
                "seconds": round(time.monotonic() - started, 1),
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
