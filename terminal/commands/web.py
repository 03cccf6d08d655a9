"""`serve` and `passwd`: the web desk started over the database and site file every command uses,
and a person's password for it. Starlette, uvicorn and argon2 (the optional `[web]` extra) are
imported here when one of these commands runs, so no other command pays for them or needs them.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Any

import click
from procflow.engine.base.errors import NotFoundError, UsageError
from procflow.terminal.commands import CONTEXT
from procflow.terminal.commands.common import DB_HELP, DIR_HELP, _site, findable
from procflow.terminal.inert import say

WEB_MODULES = (
    "starlette",
    "jinja2",
    "uvicorn",
    "multipart",
    "python_multipart",
    "argon2",
    "_argon2_cffi_bindings",
)


def _web(name: str) -> Any:
    """A module of procflow.web, or one clear line naming the extra when it is not installed."""
    import importlib

    try:
        return importlib.import_module(f"procflow.web.{name}")
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in WEB_MODULES:
            raise
        raise UsageError(
            f"the web desk needs {missing}, which is not installed; install it with: pip install 'procflow[web]'"
        ) from None


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve", context_settings=CONTEXT)
@click.option(
    "--host", default="127.0.0.1", show_default=True, metavar="HOST", help="The address to listen on."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, metavar="PORT",
    help="The port to listen on (0: any free one; the address printed says which).",
)  # fmt: skip
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="A TLS proxy on this machine forwards to it: trust its X-Forwarded-For/-Proto headers "
    "(from loopback only), and do not warn about --host.",
)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help=DIR_HELP)
@click.option(
    "--check",
    is_flag=True,
    help="Check the database, the site file, the procedures and the address; then exit.",
)
def serve(
    host: str, port: int, behind_proxy: bool, db: str | None, dirs: tuple[str, ...], check: bool
) -> None:
    """Serve the web desk: sign in, my desk, steps, in a browser; prints its address.

    Listens on 127.0.0.1:8080 by default, with the database and site file every command uses.
    People sign in with a password set by `procflow passwd NAME`. Listening beyond this
    machine (--host) prints a warning unless --behind-proxy says a TLS proxy is in front:
    docs/web.md shows one for nginx and Caddy. Needs the `web` extra: pip install 'procflow[web]'.
    """
    from procflow.engine.desk.accounts import hash_of
    from procflow.engine.store import open_store  # the web desk never opens the store itself

    app_module = _web("app")
    config_module = _web("config")
    site = _site()
    with open_store(db) as store:  # opened once here: a bad database stops the command now
        location = store.location
        ready = sum(hash_of(store, site, person) is not None for person in site.people)
    config = config_module.WebConfig(
        open_store=lambda: open_store(db), site=site, dirs=dirs, behind_proxy=behind_proxy
    )
    app = app_module.create_app(config)
    if not site.people:
        say(
            "procflow: warning: the site file names no people, so nobody can sign in (see docs/web.md)",
            err=True,
        )
    if not loopback(host) and not behind_proxy:
        say(
            f"procflow: warning: --host {host} exposes the web desk beyond this machine without TLS; "
            "put it behind a TLS proxy and add --behind-proxy (see docs/web.md)",
            err=True,
        )
    offered = app.state.web.offered
    if check:
        found = offered.all()
        for problem in offered.problems:
            say(f"procflow: warning: {problem}", err=True)
        say(f"database: {location}")
        say(f"site: {site.path or '(none)'} · {len(site.people)} people, {ready} with a password")
        say(f"procedures: {len(found)}")
        say(f"would listen on: http://{_shown(host)}:{port}/")
        return
    _run(app, host, port, behind_proxy)


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _run(app: Any, host: str, port: int, behind_proxy: bool) -> None:
    """uvicorn on an already bound socket, so the address printed is the one listened on (port 0)."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: asyncio sets TCP_NODELAY only on sockets that say they are
    # TCP, and without it a kept-alive response written in two parts waits out the browser's
    # delayed ACK (40 ms on Linux) between its headers and its body
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    say(f"procflow web desk: http://{_shown(host)}:{bound}/ (Ctrl-C stops it)")
    sys.stdout.flush()
    config = uvicorn.Config(
        app,
        log_level="warning",
        proxy_headers=behind_proxy,
        forwarded_allow_ips="127.0.0.1,::1" if behind_proxy else None,
        server_header=False,
        access_log=False,
        timeout_graceful_shutdown=5,  # a request still running then is cut short
    )

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.state.web.live.close()  # open live streams end now: the shutdown need not wait on them
            super().handle_exit(sig, frame)

    Server(config).run(sockets=[sock])


@click.command("passwd", context_settings=CONTEXT)
@click.argument("person", metavar="NAME", callback=findable)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@click.option("--db", metavar="PATH", default=None, help=DB_HELP)
@click.option(
    "--as",
    "actor",
    metavar="NAME",
    default=None,
    help="Who sets it, for the record (default: PROCFLOW_USER, else the operating-system user).",
)
def passwd(person: str, password_stdin: bool, db: str | None, actor: str | None) -> None:
    """Set the web desk password of NAME, a person of the site file (asked twice, not echoed).

    Only its argon2id hash is kept, in the database; never in the site file.
    """
    from procflow.engine.base import environment
    from procflow.engine.desk.accounts import set_hash
    from procflow.engine.store import open_store

    passwords = _web("passwords")
    site = _site()
    if person not in site.people:  # before asking for anything
        known = ", ".join(sorted(site.people)) or "none (the site file names no people)"
        raise NotFoundError(f"unknown person '{person}'; the site file's people: {known}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to ask for the password on; give --password-stdin")
        password = click.prompt("password", hide_input=True, confirmation_prompt="again", err=True)
    weak = passwords.weakness(password)
    if weak:
        raise UsageError(weak)
    with open_store(db) as store:
        set_hash(store, site, person, passwords.make_hash(password), set_by=environment.actor(actor))
    say(f"password set for {person}")
