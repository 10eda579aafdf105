"""Backend adapters: Prometheus/Thanos, the fleet registry and (later) Loki, Tempo, Alertmanager, Kubernetes.

This package imports only third-party libraries. It never imports ``servers`` or ``agents``.
"""
