"""The local AWS emulator: moto's server with the project's compatibility patches (compat/).

    .venv/bin/python scripts/emulator/launcher.py
        EMULATOR_HOST (127.0.0.1), EMULATOR_PORT (5000),
        EMULATOR_RESOURCE_INFO (.local/emulator/resource-info.json, from export-resource-info.ts)

    .venv/bin/python scripts/emulator/launcher.py --coverage   prints the coverage table (markdown)
    .venv/bin/python scripts/emulator/launcher.py --update-docs   writes it into docs/emulator.md

emulator.sh starts it in the background; run it in the foreground to watch its log.
Besides moto's API it answers POST /emulator/forget-region/<region> (regions.py), used by tests.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))


def settings() -> tuple[str, int, Path]:
    host = os.environ.get("EMULATOR_HOST", "127.0.0.1")
    port_text = os.environ.get("EMULATOR_PORT", "5000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SystemExit(f"emulator: EMULATOR_PORT={port_text!r} is not a TCP port (1-65535)")
    info = Path(os.environ.get("EMULATOR_RESOURCE_INFO", ROOT / ".local" / "emulator" / "resource-info.json"))
    return host, int(port_text), info


def patched(host: str, port: int, info: Path) -> list:
    import compat

    context = compat.load_context(info, {f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"})
    return compat.apply_all(context)


def stop(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM from emulator.sh down: leave serve_forever cleanly


def serve(host: str, port: int) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from regions import with_region_reset

    app = with_region_reset(DomainDispatcherApplication(create_backend_app))
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, stop)
    print(f"emulator: moto server on http://{host}:{port} (pid {os.getpid()})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("emulator: stopping", flush=True)
    finally:
        server.server_close()


def main(argv: list[str]) -> None:
    host, port, info = settings()
    applied = patched(host, port, info)
    if "--coverage" in argv:
        import coverage

        print(coverage.markdown(), end="")
        return
    if "--update-docs" in argv:
        import coverage

        print(f"emulator: {coverage.update_docs(ROOT / 'docs' / 'emulator.md')}")
        return
    import moto

    print(f"emulator: moto {moto.__version__} with {len(applied)} compatibility patches: {', '.join(p.name for p in applied)}", flush=True)
    serve(host, port)


if __name__ == "__main__":
    main(sys.argv[1:])
