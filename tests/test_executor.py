"""--executor: local, processes[:N], dask[:N], tcp://HOST:PORT. The Dask tests start a real
dask.distributed LocalCluster on loopback (2 worker processes, no dashboard) and are skipped
when Dask is not installed (the test extra installs it)."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from briefing.cli import cli
from briefing import pipeline

from .conftest import SEEDS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def _ok(res):
    assert res.exit_code == 0, res.output + repr(res.exception)
    return res


@pytest.mark.parametrize("spec, kind, arg", [
    ("local", "local", None), ("processes", "processes", None), ("processes:3", "processes", 3),
    ("dask", "dask", None), ("dask:2", "dask", 2), ("tcp://127.0.0.1:8786", "address", "tcp://127.0.0.1:8786"),
])
def test_executor_specs(spec, kind, arg):
    assert pipeline.parse_executor(spec) == (kind, arg)


@pytest.mark.parametrize("spec", ["bogus", "processes:0", "processes:x", "tcp://nohost", "dask:-1"])
def test_bad_executor_is_a_usage_error(runner, tmp_path, spec):
    res = runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "o.yaml"), "--executor", spec])
    assert res.exit_code == 2
    assert "--executor" in res.output


def test_executor_from_the_environment(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_EXECUTOR", "local")
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "a.yaml"), "--no-cache", "-q"]))
    monkeypatch.setenv("BRIEFING_EXECUTOR", "nonsense")
    res = runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "b.yaml"), "--no-cache", "-q"])
    assert res.exit_code == 2 and "unknown executor" in res.output


def test_local_and_processes_give_the_same_briefing(runner, tmp_path):
    src = write_corpus(tmp_path / "in", pipeline.POOL_MIN + 10)       # large enough for the pool
    outs = []
    for spec in ("local", "processes:2"):
        out = tmp_path / f"{spec.replace(':', '-')}.yaml"
        _ok(runner.invoke(cli, ["extract", str(src), "-o", str(out), "--no-cache", "-q", "--executor", spec]))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("spec", ["dask", "dask:2", "tcp://127.0.0.1:8786"])
def test_missing_dask_says_how_to_install_it(runner, tmp_path, monkeypatch, spec):
    # Dask not installed: an import of it fails (a None entry in sys.modules makes `import` raise)
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setitem(sys.modules, "dask", None)
    for cmd in (["build", "-o", str(tmp_path / "o.pdf")], ["extract", "-o", str(tmp_path / "o.yaml")]):
        res = runner.invoke(cli, [cmd[0], str(SEEDS), *cmd[1:], "--no-cache", "--executor", spec])
        assert res.exit_code == 1, res.output
        assert "pip install 'briefing[dask]'" in res.output
        assert "Traceback" not in res.output
    assert not (tmp_path / "o.pdf").exists() and not (tmp_path / "o.yaml").exists()


# ---------------------------------------------------------------- a real Dask cluster

@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address=None, silence_logs=40)
    try:
        yield c
    finally:
        c.close()


def test_build_through_a_dask_scheduler_is_byte_identical(runner, tmp_path, cluster):
    src = write_corpus(tmp_path / "in", 60)
    local, remote = tmp_path / "local.pdf", tmp_path / "remote.pdf"
    _ok(runner.invoke(cli, ["build", str(src), "-o", str(local), "--no-cache", "-q", "--executor", "local"]))
    _ok(runner.invoke(cli, ["build", str(src), "-o", str(remote), "--no-cache", "-q",
                            "--executor", cluster.scheduler_address]))
    assert local.read_bytes() == remote.read_bytes()
    # the seeds too (another project, other actors), through the environment variable
    a, b = tmp_path / "seeds-local.pdf", tmp_path / "seeds-remote.pdf"
    _ok(runner.invoke(cli, ["build", str(SEEDS), "-o", str(a), "--no-cache", "-q", "--executor", "local"]))
    _ok(runner.invoke(cli, ["build", str(SEEDS), "-o", str(b), "--no-cache", "-q"],
                      env={"BRIEFING_EXECUTOR": cluster.scheduler_address}))
    assert a.read_bytes() == b.read_bytes()


def test_tasks_are_named_by_content_hash(tmp_path, cluster):
    from distributed import Client
    from briefing.cache import Cache
    src = write_corpus(tmp_path / "in", 5)
    paths = sorted(p for p in src.iterdir() if p.suffix in (".md", ".txt"))
    ex = pipeline.DaskExecutor(cluster.scheduler_address)
    seen = []
    with Client(cluster.scheduler_address, set_as_default=False) as spy:
        real = ex.client.submit

        def submit(*args, key=None, pure=True):
            seen.append(key)
            return real(*args, key=key, pure=pure)
        ex.client.submit = submit
        try:
            arts = pipeline.load_all(paths, Cache(None), ex)
        finally:
            ex.close()
        assert spy.scheduler_info()["workers"]
    assert seen == [f"analysis-{pipeline.file_key(p, p.read_bytes())}" for p in paths]
    assert [a.path for a in arts] == paths
    # a batch (large sets) is named by its stage and its members' names, in order
    assert pipeline._batch_key(seen[:2]) == pipeline._batch_key(list(seen[:2]))
    assert pipeline._batch_key(seen[:2]).startswith("analysis-batch-")
    assert pipeline._batch_key(seen[:2]) != pipeline._batch_key(seen[1::-1])
    assert pipeline._batch_key([seen[0], None]) is None


def test_a_worker_killed_mid_run_still_completes(runner, tmp_path, cluster):
    from briefing.api import extract
    from briefing.model import save_briefing
    from distributed import Client
    src = write_corpus(tmp_path / "in", 400)
    local = extract([src], cache_dir=False, executor="local")
    with Client(cluster.scheduler_address, set_as_default=False) as c:
        pids = c.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = []

    def progress(label, done, total):
        if label == "reading" and done >= 50 and not killed:
            os.kill(victim, signal.SIGKILL)          # one worker dies with tasks in flight
            killed.append(done)
    remote = extract([src], cache_dir=False, executor=cluster.scheduler_address, progress=progress)
    assert killed
    save_briefing(local, tmp_path / "local.yaml")
    save_briefing(remote, tmp_path / "remote.yaml")
    assert (tmp_path / "local.yaml").read_bytes() == (tmp_path / "remote.yaml").read_bytes()


def test_an_unreachable_scheduler_is_a_clear_error(runner, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import socket
    with socket.socket() as s:                 # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(pipeline, "DASK_CONNECT_TIMEOUT", 2)
    res = runner.invoke(cli, ["extract", str(SEEDS), "-o", str(tmp_path / "o.yaml"), "--no-cache",
                              "--executor", f"tcp://127.0.0.1:{port}"])
    assert res.exit_code == 1, res.output
    assert "cannot reach the Dask scheduler" in res.output
    assert not (tmp_path / "o.yaml").exists()


def test_an_article_error_on_a_worker_is_the_same_error(runner, tmp_path, cluster):
    src = write_corpus(tmp_path / "in", 20)
    (src / "bad.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    msgs = []
    for spec in ("local", cluster.scheduler_address):
        res = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "o.yaml"), "--no-cache", "-q",
                                  "--executor", spec])
        assert res.exit_code == 1, res.output
        assert "Traceback" not in res.output
        msgs.append(res.output)
    assert msgs[0] == msgs[1] and "bad front matter" in msgs[0]


@pytest.mark.parametrize("c", [None, False])
def test_yaml_dumped_in_pieces_is_the_whole_document(runner, tmp_path, monkeypatch, c):
    from briefing import model
    out = tmp_path / "s.yaml"
    _ok(runner.invoke(cli, ["extract", str(SEEDS), "-o", str(out), "-q"]))
    doc = model.load_briefing(out)
    monkeypatch.setattr(model, "_DUMP_CHUNK", 2)
    assert model.dump_yaml(doc, c) == model._dump_one(doc, c)
    assert model.dump_yaml(doc, c).encode() == out.read_bytes()


@pytest.mark.parametrize("command", ["build", "extract", "distribute"])
def test_every_command_that_reads_articles_has_the_option(runner, command):
    res = _ok(runner.invoke(cli, [command, "--help"]))
    assert "--executor" in res.output and "tcp://HOST:PORT" in res.output
