"""The call simulator: a seeded call-center population and the traffic it makes (docs/simulator.md)."""
