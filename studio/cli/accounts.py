"""``studio accounts set|test|remove|show``: vendor credentials in the keyring, from the terminal.

Secrets are read with ``getpass`` on a terminal (never echoed, never accepted as command-line arguments,
which would land in shell history and process lists); from a pipe, one value per line on stdin.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TextIO

from studio.core import accounts
from studio.core.credentials import AliyunCredentials, BaiduCredentials


def add_accounts_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("accounts", help="cloud vendor credentials (stored in the OS keyring)")
    p.add_argument("action", choices=("set", "test", "remove", "show"))
    p.add_argument("vendor", nargs="?", choices=accounts.VENDORS)
    p.add_argument("--json", action="store_true")


def run_accounts(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    status = accounts.keyring_status()
    if args.action == "show" or args.vendor is None:
        rows = [{"vendor": v, "source": accounts.credential_source(v)} for v in accounts.VENDORS]
        if args.json:
            print(json.dumps({"keyring": status.backend, "secure": status.secure, "warning": status.warning,
                              "refusal": status.refusal, "vendors": rows}), file=out)
        else:
            print(f"keyring backend: {status.backend}", file=out)
            for row in rows:
                print(f"{row['vendor']:<7} {row['source']}", file=out)
        if status.refusal:
            print(f"warning: {status.refusal}", file=err)
        elif status.warning:
            print(f"warning: {status.warning}", file=err)
        return 0
    vendor = args.vendor
    if args.action == "set":
        if status.refusal:  # before a single secret is typed
            raise accounts.AccountError(f"{vendor} credentials not saved: {status.refusal}")
        if status.warning:
            print(f"warning: {status.warning}", file=err)
        values = {}
        for name, label in accounts.FIELD_LABELS[vendor].items():
            values[name] = _ask(label, secret="secret" in name, stdin=stdin, err=err)
        creds = AliyunCredentials(**values) if vendor == "aliyun" else BaiduCredentials(**values)
        accounts.save_credentials(vendor, creds)
        print(f"saved {vendor} credentials in {status.backend}", file=out)
        return 0
    if args.action == "remove":
        removed = accounts.remove_credentials(vendor)
        print(f"removed {vendor} credentials" if removed else f"no stored {vendor} credentials", file=out)
        return 0
    # test
    from studio.engines.registry import test_connection

    ok, message = test_connection(vendor)
    print(f"{vendor}: {'OK' if ok else 'FAILED'}: {message}", file=out if ok else err)
    if ok:
        print(f"note: {_long_text_note(vendor)}", file=out)
    return 0 if ok else 1


def _long_text_note(vendor: str) -> str:
    """What a token does not prove: that the account may use long-text synthesis (it is paid-only)."""
    if vendor == "aliyun":
        from studio.engines.aliyun_errors import LONG_TEXT_NOTE
    else:
        from studio.engines.baidu_errors import LONG_TEXT_NOTE
    return LONG_TEXT_NOTE


def _ask(label: str, *, secret: bool, stdin: TextIO, err: TextIO) -> str:
    if stdin.isatty():
        return (getpass.getpass(f"{label}: ") if secret else input(f"{label}: ")).strip()
    line = stdin.readline()
    if not line:
        raise accounts.AccountError(f"no value for {label} on standard input")
    return line.strip()
