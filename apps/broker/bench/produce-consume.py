#!/usr/bin/python3
# End-to-end produce/consume benchmark with librdkafka (confluent-kafka) as the load client:
# produce throughput and delivery latency for acks=1 and acks=all, paced-rate latency, then
# consume throughput. Starts its own broker unless --bootstrap is given. Prints a table, then one
# JSON line. Run: /usr/bin/python3 apps/broker/bench/produce-consume.py [--records N] [--help]
import argparse
import json
import os
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


def parse_args():
    parser = argparse.ArgumentParser(
        description="librdkafka produce/consume benchmark against a Streambed broker "
        "(started here unless --bootstrap)"
    )
    parser.add_argument("--bootstrap", help="use this broker instead of starting one (HOST:PORT)")
    parser.add_argument("--records", type=int, default=500_000, help="records per throughput run")
    parser.add_argument("--record-bytes", type=int, default=1024)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--compression", default="none", help="producer compression.type")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time bound of each run")
    parser.add_argument("--paced-rate", type=int, default=2000, help="records/s of the paced latency runs")
    parser.add_argument("--paced-seconds", type=float, default=5.0, help="length of each paced latency run")
    return parser.parse_args()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalBroker:
    """A broker process on free ports with a temporary data directory (and, without
    DATABASE_URL, its own embedded PostgreSQL under it)."""

    def __init__(self):
        if not BROKER_MAIN.exists():
            raise SystemExit(f"{BROKER_MAIN} is missing: run `npm run build` first")
        self.directory = tempfile.mkdtemp(prefix="streambed-bench-")
        # The embedded PostgreSQL runs as its own user when we are root: it must reach its directory.
        os.chmod(self.directory, 0o755)
        self.port, self.http_port = free_port(), free_port()
        self.log_path = os.path.join(self.directory, "broker.log")
        args = [
            "node",
            str(BROKER_MAIN),
            "--listen",
            f"127.0.0.1:{self.port}",
            "--http-listen",
            f"127.0.0.1:{self.http_port}",
            "--data-dir",
            os.path.join(self.directory, "data"),
            "--log-level",
            "warn",
        ]
        self.database = "embedded"
        if os.environ.get("DATABASE_URL"):
            args += ["--database-url", os.environ["DATABASE_URL"]]
            self.database = "DATABASE_URL"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def _wait_healthy(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"broker exited with {self.process.returncode}")
            try:
                health = f"http://127.0.0.1:{self.http_port}/health"
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.fail("broker not healthy after 90 s")

    def fail(self, reason):
        with open(self.log_path, "rb") as log:
            output = log.read().decode(errors="replace")[-4000:]
        self.stop()
        raise SystemExit(f"{reason}:\n{output}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def latency_summary(latencies):
    latencies.sort()
    return {
        "p50Ms": round(percentile(latencies, 0.50) * 1000, 2) if latencies else None,
        "p99Ms": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
        "maxMs": round(latencies[-1] * 1000, 2) if latencies else None,
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
        "maxMs": None,
    }


def print_table(rows):
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
        "maxMs",
    ]
    cells = [[("-" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in cells:
        print("  ".join(v.rjust(w) if i > 1 else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))


def main():
    options = parse_args()
    broker = None if options.bootstrap else LocalBroker()
    bootstrap = options.bootstrap or broker.bootstrap
    run_id = f"{int(time.time())}-{os.getpid()}"
    rows = []
    try:
        topics = {}
        for acks in ("1", "all"):
            topic = f"bench-acks-{acks}-{run_id}"
            create_topic(bootstrap, topic, options.partitions)
            topics[acks] = topic
            rows.append(produce_run(bootstrap, topic, acks, options, options.records))
        for acks in ("1", "all"):
            paced = int(options.paced_rate * options.paced_seconds)
            rows.append(produce_run(bootstrap, topics[acks], acks, options, paced, rate=options.paced_rate))
        produced_all = rows[1]["records"] + rows[3]["records"]
        rows.append(consume_run(bootstrap, topics["all"], options.partitions, produced_all, options))
    finally:
        if broker is not None:
            broker.stop()
    print_table(rows)
    print(
        json.dumps(
            {
                "benchmark": "produce-consume",
                "client": f"confluent-kafka {confluent_kafka.version()[0]}"
                f" / librdkafka {confluent_kafka.libversion()[0]}",
                "broker": options.bootstrap or f"local ({broker.database} PostgreSQL)",
                "recordBytes": options.record_bytes,
                "partitions": options.partitions,
                "compression": options.compression,
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
