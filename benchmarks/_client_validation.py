"""What the MCP Python SDK client spends checking one result against the tool's listed output schema.

``ClientSession.call_tool`` runs ``jsonschema.validate(structuredContent, outputSchema)`` on every call of a tool
that lists an output schema, and ``validate`` first checks the schema itself against its meta-schema: the cost
grows with the schema's size. Timed here on a real ``metrics_query`` result for the schemas a client could get.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from jsonschema import validate
from referencing import Registry

from servers.mcp.surface import result_schema
from tools.prometheus import InstantQueryResult

__all__ = ["client_validation_ms"]


def client_validation_ms(instance: dict[str, Any], n: int = 60) -> dict[str, float]:
    """Median ms of one validation: the default listing (no schema), ``AIOPS_OUTPUT_SCHEMAS=full`` (compact), and
    the schema listed before issue 9 (pydantic's own, titles and descriptions included). Interleaved, the order
    rotated each round, so drift on a shared machine hits all alike."""
    schemas: list[tuple[str, dict[str, Any] | None]] = [
        ("none (default)", None),
        ("full (compact)", result_schema(InstantQueryResult)),
        ("before (pydantic)", InstantQueryResult.model_json_schema(mode="serialization")),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in schemas}
    for i in range(n):
        for name, schema in schemas[i % 3 :] + schemas[: i % 3]:
            started = time.perf_counter()
            if schema is not None:  # exactly the SDK's call
                validate(instance, schema, registry=Registry())
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: round(statistics.median(ms), 3) for name, ms in times.items()}
