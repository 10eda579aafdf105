pytest_plugins = ["tests.fixtures.sim", "tests.fixtures.alertmanager", "tests.fixtures.postgres"]
