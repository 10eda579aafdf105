"""The DCGM Prometheus fixture (see :mod:`tests.tools.gpu.dcgm_fixture`) for the GPU adapter tests."""

from tests.tools.gpu.dcgm_fixture import gpu_fixture

__all__ = ["gpu_fixture"]
