"""End offsets of the event topic, to tell whether a projection has caught up.

One consumer without a group (it never joins or commits), opened on first use and shared
by the API's threads under a lock.
"""

from __future__ import annotations

import logging
import threading

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from adapters.kafka_clients import connected

log = logging.getLogger("switchboard.projections")


class KafkaTopicEnds:
    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self._consumer: KafkaConsumer | None = None
        self._lock = threading.Lock()

    def ends(self) -> dict[int, int] | None:
        """Next offset per partition ({} while the topic does not exist); None when the broker
        cannot be asked right now."""
        with self._lock:
            try:
                if self._consumer is None:
                    self._consumer = connected(KafkaConsumer, bootstrap_servers=self.bootstrap_servers,
                                               group_id=None, enable_auto_commit=False,
                                               client_id="switchboard-topic-ends")
                partitions = self._consumer.partitions_for_topic(self.topic) or set()
                ends = self._consumer.end_offsets([TopicPartition(self.topic, p) for p in partitions])
            except KafkaError as error:
                log.warning("end offsets of %s unavailable: %s", self.topic, error)
                return None
        return {int(tp.partition): int(offset) for tp, offset in ends.items()}

    def close(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None
