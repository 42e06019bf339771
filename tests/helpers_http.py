"""A real HTTP server on 127.0.0.1 for model-manager tests: serves a directory,
answers 404 for missing files, and can cut a download short on purpose."""
from __future__ import annotations

import http.server
import threading
from functools import partial
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate: set[str] = set()

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        name = self.path.lstrip("/")
        if name in self.server.truncate:  # type: ignore[attr-defined]
            data = (Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


class LocalServer:
    """`with LocalServer(root) as srv:` — srv.url is the base URL; srv.truncate.add(path)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(_Handler, directory=str(root)))
        self.httpd.truncate = set()  # type: ignore[attr-defined]
        self.truncate: set[str] = self.httpd.truncate  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
