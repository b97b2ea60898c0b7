"""The machine readings benchmark reports carry (bench/machine.py)."""

from __future__ import annotations

from bench.machine import CpuTimes, cpu_shares, python_loop_ms


def test_cpu_shares_are_of_all_cpu_time_between_two_readings() -> None:
    before = CpuTimes(busy=1_000, idle=5_000, steal=10)
    after = CpuTimes(busy=1_600, idle=5_300, steal=110)  # 600 busy, 300 idle, 100 stolen
    assert cpu_shares(before, after) == "busy 60 %, stolen by the host 10 %"


def test_cpu_shares_say_when_the_machine_could_not_be_read() -> None:
    reading = CpuTimes(busy=1, idle=1, steal=0)
    assert cpu_shares(None, reading) == "not read"
    assert cpu_shares(reading, reading) == "not read"


def test_the_readings_come_from_this_machine() -> None:
    assert CpuTimes.now() is not None  # Linux: /proc/stat
    assert python_loop_ms(rounds=1) > 0
