# SPDX-License-Identifier: MIT
"""Fixtures for the system tests: built images and one fresh QEMU per test.

  shikiri_image(config) -> qemu.Image   built once per session, shared
  boot(image, *qemu_args) -> qemu.Console   killed when the test ends
  boot_native(*qemu_args, arch="aarch64") -> qemu.Console   the kernel
      without shikiri
  arch -> qemu.Arch   the architecture a test runs on: aarch64, unless the
      test is marked @pytest.mark.arches("aarch64", "x86_64"), which runs
      it once per architecture named (test ids [aarch64], [x86_64])

Each console is logged to build/test-logs/<test>.log; a failing test's report
names its logs.
"""

import re

import pytest

import qemu


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "arches(*names): run the test once on each architecture"
        " named (aarch64, x86_64), through its `arch` fixture")


def pytest_generate_tests(metafunc):
    """Parametrize the `arch` fixture by the test's arches marker."""
    if "arch" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("arches")
    names = marker.args if marker else ("aarch64",)
    unknown = [n for n in names if n not in qemu.ARCHES]
    if unknown:
        raise ValueError(f"{metafunc.definition.nodeid}: no arch "
                         f"{', '.join(unknown)} (arches: "
                         f"{', '.join(qemu.ARCHES)})")
    metafunc.parametrize("arch", [qemu.ARCHES[n] for n in names],
                         ids=list(names))


@pytest.fixture(scope="session")
def shikiri_image(tmp_path_factory):
    """Factory: build a config (name or path) with shikiri-build, once.

    A missing build (hypervisor or tool) is a failure, not a skip: `make
    test` builds both first, so their absence means the build is broken.
    """
    built = {}

    def build(config):
        try:
            path = qemu.config_path(config)
            if path not in built:
                outdir = tmp_path_factory.mktemp(path.stem)
                built[path] = qemu.build_image(path, outdir)
        except (FileNotFoundError, RuntimeError) as e:
            error = str(e)
        else:
            return built[path]
        pytest.fail(error, pytrace=False)

    return build


def _log_name(item, n):
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", item.nodeid.split("/")[-1])
    name = name.replace(".py_", ".", 1).strip("_")
    return qemu.LOG_DIR / (name + (f"-{n}" if n else "") + ".log")


@pytest.fixture
def consoles(request):
    """Consoles started by this test; every one is killed at teardown."""
    started = []
    request.node.shikiri_logs = []
    yield started
    for c in started:
        c.close()


@pytest.fixture
def boot(request, consoles):
    """Factory: boot a qemu.Image with scripts/run, return its Console."""

    def start(image, *extra):
        log = _log_name(request.node, len(consoles))
        c = qemu.boot(image, log, extra)
        consoles.append(c)
        request.node.shikiri_logs.append(log)
        return c

    return start


@pytest.fixture
def boot_native(request, consoles):
    """Factory: boot the kernel natively (scripts/run --arch ARCH --native);
    @arch is a name or a qemu.Arch."""

    def start(*extra, arch="aarch64"):
        log = _log_name(request.node, len(consoles))
        c = qemu.boot_native(log, extra, getattr(arch, "name", arch))
        consoles.append(c)
        request.node.shikiri_logs.append(log)
        return c

    return start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    logs = getattr(item, "shikiri_logs", None)
    if report.failed and logs:
        report.sections.append(("console logs",
                                "\n".join(str(p) for p in logs)))
