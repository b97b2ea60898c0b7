"""A real Apache Kafka 4.x broker in KRaft mode, run from Apache's jars under the local JDK.

The jars are resolved from Maven Central by ``services/kafka/pom.xml`` into
``<cache>/kafka-<version>/libs``; the broker's data, config, log and PID live in
``<data>/kafka``.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from adapters.kafka_admin import kafka_problem
from adapters.services.processes import (
    ServiceError,
    choose_port,
    failure_reason,
    last_lines,
    pid_alive,
    port_is_taken,
    read_pid,
    terminate,
    wait_until,
)

POM = Path(__file__).resolve().parents[2] / "services" / "kafka" / "pom.xml"

# The collector settings Kafka's own start scripts use: G1 with a 20 ms pause goal (the JVM's
# default goal is 200 ms, and a pause holds every fetch and produce request). Pauses are logged
# to <data>/kafka/gc.log. The embedded broker compiles with C1 only (TieredStopAtLevel=1): the
# optimising C2 compiler kept compiling for minutes after every start, half of the broker's CPU
# (0.12 of 0.25 CPUs at 50 rings/s, 0.03 while idle) on machines where the broker shares a few
# CPUs with everything else; the requests themselves cost the same (docs/running.md).
JVM_OPTIONS = ("-Xms256m", "-Xmx768m", "-server", "-XX:TieredStopAtLevel=1", "-XX:+UseG1GC",
               "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
               "-XX:+ExplicitGCInvokesConcurrent")
LOG4J2 = """Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
"""


@dataclass(frozen=True)
class KafkaBroker:
    cache_dir: Path
    data_dir: Path
    version: str

    @property
    def libs(self) -> Path:
        return self.cache_dir / f"kafka-{self.version}" / "libs"

    @property
    def home(self) -> Path:
        return self.data_dir / "kafka"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"

    @property
    def port_file(self) -> Path:
        return self.home / "port"

    def bootstrap_servers(self) -> str | None:
        if not self.port_file.exists():
            return None
        return f"127.0.0.1:{self.port_file.read_text().strip()}"

    def running_pid(self) -> int | None:
        pid = read_pid(self.pid_file)
        return pid if pid is not None and pid_alive(pid) else None

    def ensure_jars(self) -> None:
        if (self.libs / f"kafka_2.13-{self.version}.jar").exists():
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServiceError("Maven is missing: install it (Debian: apt-get install maven)")
        _require_java()
        self.libs.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [mvn, "-q", "-B", "-f", str(POM), "package",
             f"-Dkafka.version={self.version}", f"-Dkafka.libdir={self.libs}"],
            capture_output=True, text=True, check=False,
        )
        shutil.rmtree(POM.parent / "target", ignore_errors=True)
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise ServiceError(f"Kafka {self.version} jars did not resolve: {' | '.join(tail)}")

    def start(self, *, port: int = 0, timeout: float = 90.0) -> str:
        """Start the broker (format storage on first use) and wait until it answers."""
        pid = self.running_pid()
        if pid is not None:
            servers = self.bootstrap_servers()
            assert servers is not None
            return servers
        if self.pid_file.exists():
            self.pid_file.unlink()  # stale: the process it names is gone
        self.ensure_jars()
        java = _require_java()
        previous = self.bootstrap_servers()
        if port == 0 and previous is not None:
            # Reuse the last run's port when free, so clients configured earlier reconnect.
            last_port = int(previous.rsplit(":", 1)[1])
            port = 0 if port_is_taken(last_port) else last_port
        broker_port = choose_port(port, "Kafka")
        controller_port = choose_port(0, "Kafka controller")
        self._write_config(broker_port, controller_port)
        if not (self.home / "data" / "meta.properties").exists():
            self._format(java)
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                [java, *JVM_OPTIONS,
                 f"-Xlog:gc:file={self.home / 'gc.log'}:time,uptime:filecount=2,filesize=10m",
                 f"-Dlog4j2.configurationFile={self.home / 'log4j2.yaml'}",
                 "-cp", f"{self.libs}/*", "kafka.Kafka", str(self.home / "server.properties")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        self.port_file.write_text(str(broker_port))
        servers = f"127.0.0.1:{broker_port}"

        def died() -> str | None:
            if proc.poll() is None:
                return None
            self.pid_file.unlink(missing_ok=True)
            return (f"Kafka broker exited at start-up (code {proc.returncode}): "
                    f"{failure_reason(self.log_file)}")

        if not wait_until(lambda: kafka_problem(servers, 1000) is None, timeout=timeout,
                          interval=0.3, failed=died):
            terminate(proc.pid)
            self.pid_file.unlink(missing_ok=True)
            raise ServiceError(f"Kafka broker did not answer within {timeout:.0f}s: "
                               f"{last_lines(self.log_file)}")
        return servers

    def stop(self) -> bool:
        pid = self.running_pid()
        self.pid_file.unlink(missing_ok=True)
        if pid is None:
            return False
        terminate(pid)
        return True

    def _write_config(self, broker_port: int, controller_port: int) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "log4j2.yaml").write_text(LOG4J2)
        (self.home / "server.properties").write_text(
            "\n".join([
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{broker_port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                f"log.dirs={self.home / 'data'}",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "",
            ])
        )

    def _format(self, java: str) -> None:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        result = subprocess.run(
            [java, "-cp", f"{self.libs}/*", "kafka.tools.StorageTool", "format", "--standalone",
             f"--cluster-id={cluster_id}",  # "=": an id may start with "-"
             "-c", str(self.home / "server.properties")],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise ServiceError(f"Kafka storage format failed: {result.stdout.strip()[-300:]}"
                               f"{result.stderr.strip()[-300:]}")


def _require_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ServiceError(
            "Java is missing: install a JDK 17+ (Debian: apt-get install openjdk-17-jre-headless)"
        )
    return java
