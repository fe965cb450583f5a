"""Importing marsad and asking for the CAMeL backend must work offline, without a network call.

camel-tools downloads its data catalogue when ``camel_tools.data`` is imported and no catalogue
exists. A worker without network or CAMeL data must still import marsad, report the backend as
unavailable with a reason, and raise ``BackendUnavailable`` when the CAMeL backend is asked for.
Each scenario runs in a fresh interpreter with HOME and CAMELTOOLS_DATA pointing at empty
directories and every socket connection refused (and counted).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRELUDE = textwrap.dedent("""
    import json, socket
    ATTEMPTS = []
    def _blocked(*args, **kwargs):
        ATTEMPTS.append(repr(args[-1:]))
        raise OSError("network blocked by test")
    socket.socket.connect = _blocked
    socket.socket.connect_ex = _blocked
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked
""")


def _run(script: str, tmp_path: Path) -> dict:
    home = tmp_path / "home"
    data = tmp_path / "camel-data"
    home.mkdir()
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAMELTOOLS", "HF_"))}
    env.update({"HOME": str(home), "CAMELTOOLS_DATA": str(data), "PYTHONPATH": str(REPO)})
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=240, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["catalogue_written"] = (data / "catalogue.json").exists()
    return result


def test_import_and_status_offline_without_camel_data(tmp_path):
    out = _run(f"""
        import sys
        import marsad, marsad.ner
        from marsad.ner import backend_status, get_recognizer, BackendUnavailable
        heavy_after_import = sorted(m for m in ("camel_tools.ner", "camel_tools.data", "torch")
                                    if m in sys.modules)
        status = backend_status(camel_data={str(tmp_path / "camel-data")!r})
        try:
            get_recognizer("camel", camel_data={str(tmp_path / "camel-data")!r})
            err = None
        except BackendUnavailable as exc:
            err = [exc.code, str(exc)]
        try:
            get_recognizer("camel")
            err_none = None
        except BackendUnavailable as exc:
            err_none = [exc.code, str(exc)]
        try:
            auto = get_recognizer("auto", camel_data={str(tmp_path / "camel-data")!r}).name
        except BackendUnavailable as exc:
            auto = str(exc)
        print(json.dumps({{"heavy": heavy_after_import, "status": status, "err": err,
                           "err_none": err_none, "auto": auto, "attempts": ATTEMPTS}}))
    """, tmp_path)
    assert out["heavy"] == []
    assert out["attempts"] == []
    assert out["status"]["camel"]["available"] is False
    assert "no CAMeL Tools NER model found" in out["status"]["camel"]["reason"]
    assert out["err"][0] == "ner_backend_unavailable"
    assert "data/ner/arabert" in out["err"][1]
    assert out["err_none"][0] == "ner_backend_unavailable"
    assert "no CAMeL Tools NER model configured" in out["err_none"][1]
    # auto never needs camel-tools: a packaged model (neural, else the CRF), else the reasons
    assert out["auto"] in ("neural", "builtin") or out["auto"].startswith(
        "no NER backend available: camel:")
    assert out["catalogue_written"] is False


def test_camel_model_present_but_catalogue_missing_does_not_download(tmp_path):
    """The model files exist, so camel-tools is really imported: its catalogue fetch is refused."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    (model / "vocab.txt").write_text("[PAD]\n[UNK]\n", encoding="utf-8")
    (model / "pytorch_model.bin").write_bytes(b"")
    out = _run(f"""
        import marsad.ner
        from marsad.ner import backend_status, get_recognizer, BackendUnavailable
        status = backend_status(model_path={str(model)!r})
        try:
            get_recognizer("camel", model_path={str(model)!r})
            err = None
        except BackendUnavailable as exc:
            err = [exc.code, str(exc)]
        print(json.dumps({{"status": status, "err": err, "attempts": ATTEMPTS}}))
    """, tmp_path)
    assert out["attempts"] == []
    camel = out["status"]["camel"]
    assert camel["available"] is False
    assert camel["model_dir"] == str(model)
    assert "catalogue" in camel["reason"]
    assert "marsad does not download it" in camel["reason"]
    assert out["err"][0] == "ner_backend_unavailable"
    assert "catalogue" in out["err"][1]
    assert out["catalogue_written"] is False
