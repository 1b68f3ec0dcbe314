# Static group membership (KIP-345) with librdkafka: two members with group.instance.id share a
# topic; one restarts under the same instance id, and neither member is rebalanced meanwhile.
import time

from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, NewTopic

from common import emit, load_params

params = load_params()
bootstrap, topic, group = params["bootstrap"], params["topic"], params["group"]
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, 4, 1)])[topic].result(10)


def member(instance, events):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "group.instance.id": instance,
        "session.timeout.ms": 30000,
        "auto.offset.reset": "earliest",
    })
    consumer.subscribe(
        [topic],
        on_assign=lambda c, parts: events.append(("assign", sorted(p.partition for p in parts))),
        on_revoke=lambda c, parts: events.append(("revoke", sorted(p.partition for p in parts))),
    )
    return consumer


def poll_until(consumers, condition, seconds=30):
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        for consumer in consumers:
            consumer.poll(0.1)
    return condition()


a_events, b_events = [], []
a, b = member("member-a", a_events), member("member-b", b_events)
settled = poll_until([a, b], lambda: any(e[0] == "assign" and e[1] for e in a_events) and any(e[0] == "assign" and e[1] for e in b_events)
                     and len(a_events[-1][1]) + len(b_events[-1][1]) == 4)
before = {"a": a_events[-1][1], "b": b_events[-1][1]}
b_events_before_restart = len(b_events)
# librdkafka does not send LeaveGroup for a static member on close: the member keeps its place
a.close()
restarted_events = []
a2 = member("member-a", restarted_events)
poll_until([a2, b], lambda: any(e[0] == "assign" for e in restarted_events))
# give a rebalance, if one were triggered, time to reach member b
poll_until([a2, b], lambda: False, seconds=3)
emit({
    "settled": settled,
    "before": before,
    "restartedAssignment": next((e[1] for e in restarted_events if e[0] == "assign"), None),
    "bEventsDuringRestart": b_events[b_events_before_restart:],
})
a2.close()
b.close()
