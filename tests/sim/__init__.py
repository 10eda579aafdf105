"""Tests of the simulated fleet (servers/sim)."""
