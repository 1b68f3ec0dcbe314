#!/usr/bin/python3
# Backfill isolation benchmark: does a replay of old data from object storage disturb tailing
# consumers? Fills `history`, restarts the broker so the replay must come from the bucket, then
# measures a tail workload's end-to-end latency alone (phase A) and beside a full-speed replay (B).
# Each client runs in its own process. Prints tables, then one JSON line.
# Run: /usr/bin/python3 apps/broker/bench/backfill-isolation.py [--history-bytes 256MiB] [--help]
import argparse
import importlib.util
import json
import multiprocessing
import os
import queue
import re
import struct
import sys
import time
from array import array
from pathlib import Path

import confluent_kafka
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def load_produce_consume():
    """The broker harness (LocalBroker, percentile helpers) lives in produce-consume.py."""
    path = Path(__file__).resolve().with_name("produce-consume.py")
    spec = importlib.util.spec_from_file_location("produce_consume", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = load_produce_consume()

HISTORY_TOPIC = "history"
LIVE_TOPIC = "live"
# Each tail record starts with its send time: CLOCK_MONOTONIC, which every process on the host shares.
SEND_TIME = struct.Struct(">q")
# /stats values that are levels or high-water marks, not counters: a phase reports them as they end.
# How long the tail consumer waits for the last acknowledged records once the producer stopped.
DRAIN_SECONDS = 30
LEVELS = {"pendingBytes", "sizeBytes", "budgetBytes", "entries", "active", "queued", "lastUploadMs"}


def parse_bytes(text):
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"expected a size such as 268435456, 256MiB or 2GiB, not {text!r}")
    number, unit, binary = match.groups()
    base = 1024 if binary.lower().startswith("i") or not binary else 1000
    return int(float(number) * base ** "_kmgt".index(unit.lower() or "_"))


def parse_args():
    parser = argparse.ArgumentParser(
        description="Tail latency with and without a replay of history from object storage "
        "(starts its own broker)",
        epilog="Broker flags after a bare -- are passed to the broker, e.g. "
        "-- --catch-up-bytes-per-second=50000000 --block-cache-bytes=67108864",
    )
    harness.add_broker_options(parser)
    parser.add_argument(
        "--history-bytes",
        type=parse_bytes,
        default=2 * 1024**3,
        help="size of the history to replay (default 2GiB; e.g. 256MiB for a quick run)",
    )
    parser.add_argument("--record-bytes", type=int, default=1024)
    parser.add_argument("--history-partitions", type=int, default=4)
    parser.add_argument("--live-partitions", type=int, default=1)
    parser.add_argument("--tail-rate", type=int, default=2000, help="records/s the tail producer writes")
    parser.add_argument("--phase-seconds", type=float, default=30.0, help="length of phase A and of phase B")
    parser.add_argument(
        "--warmup-seconds", type=float, default=5.0, help="tail traffic before phase A, not measured"
    )
    parser.add_argument(
        "--upload-timeout-seconds",
        type=float,
        default=600.0,
        help="give up when the history is not all stored in objects after this long",
    )
    argv, passed_through = harness.split_broker_args(sys.argv[1:])
    options = parser.parse_args(argv)
    if options.record_bytes < SEND_TIME.size:
        parser.error(f"--record-bytes must be at least {SEND_TIME.size}")
    options.broker_args = harness.broker_args_from(options, passed_through)
    return options


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def tail_producer(bootstrap, rate, record_bytes, stop, results):
    """Writes `rate` records/s to `live` with acks=all until told to stop; each record carries its
    send time. Reports the acknowledgement latency of every record by its send time."""
    send_times, ack_latencies = array("q"), array("d")
    failures = [0]

    def on_delivery(error, message):
        if error is not None:
            failures[0] += 1
            return
        send_times.append(SEND_TIME.unpack_from(message.value())[0])
        ack_latencies.append(message.latency())

    # linger.ms=0: a record is sent as soon as it is produced, so its latency is the broker's.
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
    producer.list_topics(LIVE_TOPIC, timeout=10)
    filler = os.urandom(record_bytes - SEND_TIME.size)
    started = time.monotonic()
    sent = 0
    while not stop.is_set():
        due = started + sent / rate
        # poll() returns early when it served a delivery report: wait until due.
        while (wait := due - time.monotonic()) > 0:
            producer.poll(wait)
        try:
            value = SEND_TIME.pack(time.monotonic_ns()) + filler
            producer.produce(LIVE_TOPIC, value=value, on_delivery=on_delivery)
            sent += 1
        except BufferError:
            producer.poll(0.01)
        producer.poll(0)
    remaining = producer.flush(30)
    results.put(
        {
            "client": "tail-producer",
            "sent": sent,
            "failed": failures[0],
            "undelivered": remaining,
            "sendTimes": send_times,
            "ackLatencies": ack_latencies,
        }
    )


def tail_consumer(bootstrap, group, ready, target, results):
    """Reads `live` in a consumer group; records receive time - send time of every record. Stops
    once it has `target` records (set when the producer is done), or DRAIN_SECONDS after that."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
        }
    )
    consumer.subscribe([LIVE_TOPIC])
    send_times, latencies = array("q"), array("q")
    errors = 0
    drain_deadline = None
    while not (0 <= target.value <= len(send_times)):
        if target.value >= 0:
            drain_deadline = drain_deadline or time.monotonic() + DRAIN_SECONDS
            if time.monotonic() > drain_deadline:
                break
        # consume(n, timeout) would wait for n records or the whole timeout: poll() returns with the
        # first record, then whatever else has already arrived is taken without waiting.
        first = consumer.poll(0.1)
        received = time.monotonic_ns()
        if first is None:
            continue
        messages = [first, *consumer.consume(num_messages=1000, timeout=0)]
        for message in messages:
            if message.error():
                errors += 1
                continue
            sent = SEND_TIME.unpack_from(message.value())[0]
            send_times.append(sent)
            latencies.append(received - sent)
        if send_times and not ready.is_set():
            ready.set()
    consumer.close()
    results.put(
        {"client": "tail-consumer", "errors": errors, "sendTimes": send_times, "latencies": latencies}
    )


def replay_consumer(bootstrap, group, expected_records, started, finished, stop, results):
    """Replays `history` from the earliest offset in its own consumer group, as fast as it can."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
        }
    )
    subscribed_ns = time.monotonic_ns()
    consumer.subscribe([HISTORY_TOPIC])
    records, size, errors = 0, 0, 0
    first_ns = last_ns = None
    while not stop.is_set() and records < expected_records:
        messages = consumer.consume(num_messages=10_000, timeout=0.2)
        for message in messages:
            if message.error():
                errors += 1
                continue
            records += 1
            size += len(message.value())
        if records and first_ns is None:
            first_ns = time.monotonic_ns()
            started.set()
        if messages:
            last_ns = time.monotonic_ns()
    if records >= expected_records:
        finished.set()
    consumer.close()
    results.put(
        {
            "client": "replay-consumer",
            "records": records,
            "bytes": size,
            "errors": errors,
            "subscribedNs": subscribed_ns,
            "firstNs": first_ns,
            "lastNs": last_ns,
            "finished": records >= expected_records,
        }
    )


def fill_history(bootstrap, options):
    """Writes --history-bytes of records to `history` as fast as the broker takes them."""
    records = options.history_bytes // options.record_bytes
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "linger.ms": 20,
            "batch.size": 1_000_000,
            "queue.buffering.max.messages": 200_000,
        }
    )
    failures = [0]

    def on_delivery(error, _message):
        if error is not None:
            failures[0] += 1

    payload = os.urandom(options.record_bytes)
    started = reported = time.monotonic()
    sent = 0
    while sent < records:
        try:
            producer.produce(HISTORY_TOPIC, value=payload, on_delivery=on_delivery)
            sent += 1
        except BufferError:
            producer.poll(0.05)
        if sent % 1000 == 0:
            producer.poll(0)
        if time.monotonic() - reported >= 10:
            reported = time.monotonic()
            log(f"filling history: {sent}/{records} records sent")
    remaining = producer.flush(300)
    seconds = time.monotonic() - started
    if failures[0] or remaining:
        raise SystemExit(f"filling history: {failures[0]} records failed, {remaining} never acknowledged")
    return {
        "records": records,
        "bytes": records * options.record_bytes,
        "seconds": round(seconds, 1),
        "megabytesPerSecond": round(records * options.record_bytes / seconds / 1e6, 1),
    }


def wait_until_stored(broker, timeout):
    """Waits for the uploader to have nothing pending: the history is all in objects."""
    started = time.monotonic()
    while True:
        broker.check_alive()
        stats = broker.stats()
        if stats["uploader"]["pendingBytes"] == 0:
            return round(time.monotonic() - started, 1), stats
        if time.monotonic() - started > timeout:
            uploader = json.dumps(stats["uploader"])
            raise SystemExit(f"history still not stored in objects after {timeout} s: uploader {uploader}")
        time.sleep(0.5)


def wait_until_leading(broker, partitions, timeout=60):
    started = time.monotonic()
    while True:
        broker.check_alive()
        stats = broker.stats()
        if stats["partitionsLed"] >= partitions:
            return stats
        if time.monotonic() - started > timeout:
            led = stats["partitionsLed"]
            raise SystemExit(f"{timeout} s after the restart, the broker leads {led}/{partitions} partitions")
        time.sleep(0.2)


def counters_over(before, after, path=()):
    result = {}
    for key, value in after.items():
        previous = before.get(key) if isinstance(before, dict) else None
        if isinstance(value, dict):
            result[key] = counters_over(previous or {}, value, (*path, key))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            is_level = key in LEVELS or key.endswith("Max")
            result[key] = value if is_level or previous is None else round(value - previous, 3)
        else:
            result[key] = value
    return result


def phase_stats(before, after):
    keys = ("reads", "blockCache", "catchUpLimiter", "objectStore", "uploader")
    return counters_over({k: before[k] for k in keys}, {k: after[k] for k in keys})


def tail_summary(window, consumer, producer):
    """End-to-end and produce latency of the tail records sent within [start, end)."""
    start, end = window
    e2e = [
        latency / 1e9
        for sent, latency in zip(consumer["sendTimes"], consumer["latencies"])
        if start <= sent < end
    ]
    acks = [
        latency
        for sent, latency in zip(producer["sendTimes"], producer["ackLatencies"])
        if start <= sent < end
    ]
    received = len(e2e)
    summary = harness.latency_summary(e2e)
    produce = harness.latency_summary(acks)
    return {
        "seconds": round((end - start) / 1e9, 2),
        "acknowledged": len(acks),
        "received": received,
        "missing": max(0, len(acks) - received),
        "e2eP50Ms": summary["p50Ms"],
        "e2eP99Ms": summary["p99Ms"],
        "e2eP999Ms": summary["p999Ms"],
        "e2eMaxMs": summary["maxMs"],
        "produceP50Ms": produce["p50Ms"],
        "produceP99Ms": produce["p99Ms"],
        "produceP999Ms": produce["p999Ms"],
    }


def wait_for(event, seconds, what, processes, broker):
    deadline = time.monotonic() + seconds
    while not event.wait(0.2):
        broker.check_alive()
        for process in processes:
            if not process.is_alive():
                raise SystemExit(f"{process.name} exited with {process.exitcode} while waiting for {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"no {what} after {seconds} s")


def sleep_watching(seconds, broker, processes, until=None):
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        broker.check_alive()
        for process in processes:
            if not process.is_alive() and process.exitcode != 0:
                raise SystemExit(f"{process.name} exited with {process.exitcode}")
        if until is not None and until.wait(min(left, 0.2)):
            return
        if until is None:
            time.sleep(min(left, 0.2))


def collect(results, received, client, seconds):
    """The result of one client process; those of others that arrive first wait in `received`."""
    deadline = time.monotonic() + seconds
    while client not in received:
        try:
            result = results.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise SystemExit(f"no result from the {client} within {seconds} s") from None
        received[result["client"]] = result
    return received[client]


def mb(value):
    return round(value / 1e6, 1)


def print_report(report):
    phases = [("A: tail only", report["phaseA"]), ("B: tail + replay", report["phaseB"])]
    columns = [
        "phase",
        "seconds",
        "acknowledged",
        "received",
        "missing",
        "e2eP50Ms",
        "e2eP99Ms",
        "e2eP999Ms",
        "e2eMaxMs",
        "produceP50Ms",
        "produceP99Ms",
        "produceP999Ms",
    ]
    harness.print_table([{"phase": name, **phase["tail"]} for name, phase in phases], columns, 1)
    print()
    replay = report["replay"]
    harness.print_table(
        [replay],
        [
            "records",
            "megabytes",
            "seconds",
            "megabytesPerSecond",
            "recordsPerSecond",
            "finished",
            "secondsToFirstRecord",
        ],
        0,
        {"records": "replay records", "seconds": "replay seconds"},
    )
    print()
    rows = []
    for name, phase in phases:
        stats = phase["stats"]
        reads = stats["reads"]
        limiter, cache, gets = stats["catchUpLimiter"], stats["blockCache"], stats["objectStore"]["get"]
        rows.append(
            {
                "phase": name,
                **{f"{where} reads/MB": f"{n['reads']}/{mb(n['bytes'])}" for where, n in reads.items()},
                "blockCache hit/miss/prefetch/evict": (
                    f"{cache['hits']}/{cache['misses']}/{cache['prefetches']}/{cache['evictions']}"
                ),
                "GETs/MB": f"{gets['requests']}/{mb(gets['bytes'])}",
                "catchUp granted": limiter["granted"],
                "throttled ms total/max": f"{limiter['throttledMsTotal']}/{limiter['throttledMsMax']}",
            }
        )
    harness.print_table(rows, list(rows[0]), 1)


def main():
    options = parse_args()
    run_started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    report = {
        "benchmark": "backfill-isolation",
        "client": f"confluent-kafka {confluent_kafka.version()[0]}"
        f" / librdkafka {confluent_kafka.libversion()[0]}",
        "wal": options.wal,
        "brokerArgs": options.broker_args,
        "recordBytes": options.record_bytes,
        "historyPartitions": options.history_partitions,
        "livePartitions": options.live_partitions,
        "tailRate": options.tail_rate,
        "phaseSeconds": options.phase_seconds,
    }
    broker = harness.LocalBroker(wal=options.wal, extra_args=options.broker_args)
    processes = []
    try:
        report["uploadIntervalMs"] = broker.upload_interval_ms
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        created = admin.create_topics(
            [
                NewTopic(HISTORY_TOPIC, num_partitions=options.history_partitions, replication_factor=1),
                NewTopic(LIVE_TOPIC, num_partitions=options.live_partitions, replication_factor=1),
            ]
        )
        for future in created.values():
            future.result()
        # A client left open would reconnect noisily while the broker restarts.
        del admin, created
        log(f"filling {HISTORY_TOPIC} with {options.history_bytes} bytes")
        report["fill"] = fill_history(broker.bootstrap, options)
        log(f"filled in {report['fill']['seconds']} s; waiting for the uploads")
        upload_wait, stored = wait_until_stored(broker, options.upload_timeout_seconds)
        report["fill"]["uploadWaitSeconds"] = upload_wait
        report["fill"]["objects"] = stored["objects"]
        log(f"stored after a further {upload_wait} s; restarting the broker to empty its caches")
        restart_started = time.monotonic()
        broker.restart()
        wait_until_leading(broker, options.history_partitions + options.live_partitions)
        report["restartSeconds"] = round(time.monotonic() - restart_started, 1)

        results = context.Queue()
        received = {}
        stop_producer, stop_replay = context.Event(), context.Event()
        tail_ready, replay_started, replay_finished = context.Event(), context.Event(), context.Event()
        target = context.Value("q", -1)
        run_id = f"{int(time.time())}-{os.getpid()}"
        consumer = context.Process(
            target=tail_consumer,
            name="tail-consumer",
            args=(broker.bootstrap, f"tail-{run_id}", tail_ready, target, results),
        )
        producer = context.Process(
            target=tail_producer,
            name="tail-producer",
            args=(broker.bootstrap, options.tail_rate, options.record_bytes, stop_producer, results),
        )
        processes += [consumer, producer]
        consumer.start()
        producer.start()
        log("tail running; waiting for the first tail record")
        wait_for(tail_ready, 90, "tail record at the consumer", processes, broker)
        sleep_watching(options.warmup_seconds, broker, processes)

        log(f"phase A: tail only for {options.phase_seconds} s")
        a_start, a_stats = time.monotonic_ns(), broker.stats()
        sleep_watching(options.phase_seconds, broker, processes)
        a_end, a_end_stats = time.monotonic_ns(), broker.stats()

        history_records = report["fill"]["records"]
        replay = context.Process(
            target=replay_consumer,
            name="replay-consumer",
            args=(
                broker.bootstrap,
                f"replay-{run_id}",
                history_records,
                replay_started,
                replay_finished,
                stop_replay,
                results,
            ),
        )
        processes.append(replay)
        replay.start()
        log("phase B: starting the replay; waiting for its first record")
        wait_for(replay_started, 90, "replayed record", processes, broker)
        log(f"phase B: tail + replay for up to {options.phase_seconds} s")
        b_start, b_stats = time.monotonic_ns(), broker.stats()
        sleep_watching(options.phase_seconds, broker, processes, until=replay_finished)
        b_end, b_end_stats = time.monotonic_ns(), broker.stats()
        if replay_finished.is_set():
            log(f"phase B: the replay finished after {(b_end - b_start) / 1e9:.1f} s, which ends the phase")
        stop_replay.set()
        replayed = collect(results, received, "replay-consumer", 60)

        stop_producer.set()
        produced = collect(results, received, "tail-producer", 60)
        target.value = len(produced["sendTimes"])
        consumed = collect(results, received, "tail-consumer", DRAIN_SECONDS + 30)
        for process in processes:
            process.join(10)
        broker.check_alive()
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.terminate()
        raise
    finally:
        broker.stop()

    report["phaseA"] = {
        "tail": tail_summary((a_start, a_end), consumed, produced),
        "stats": phase_stats(a_stats, a_end_stats),
    }
    report["phaseB"] = {
        "tail": tail_summary((b_start, b_end), consumed, produced),
        "stats": phase_stats(b_stats, b_end_stats),
    }
    replay_end = replayed["lastNs"] or b_end
    replay_seconds = max(1e-9, (replay_end - replayed["firstNs"]) / 1e9)
    report["replay"] = {
        "records": replayed["records"],
        "megabytes": mb(replayed["bytes"]),
        "seconds": round(replay_seconds, 2),
        "megabytesPerSecond": mb(replayed["bytes"] / replay_seconds),
        "recordsPerSecond": round(replayed["records"] / replay_seconds),
        "finished": replayed["finished"],
        "secondsToFirstRecord": round((replayed["firstNs"] - replayed["subscribedNs"]) / 1e9, 2),
        "errors": replayed["errors"],
    }
    report["tail"] = {
        "sent": produced["sent"],
        "failed": produced["failed"],
        "undelivered": produced["undelivered"],
        "received": len(consumed["sendTimes"]),
        "consumerErrors": consumed["errors"],
    }
    report["seconds"] = round(time.monotonic() - run_started, 1)
    print_report(report)
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
