#!/usr/bin/env python3
"""An SMTP server for the transport tests: takes every message on 127.0.0.1 and writes it, as
received, into a directory. Prints the port it listens on as its first line, and stops when its
standard input closes (the test that started it ended).

    smtp_sink.py DIR [--port N] [--fail-first N] [--reject-all]

--fail-first N answers the first N messages' DATA with 451 (try again later);
--reject-all answers every message's DATA with 550 (refused for good).
Needs aiosmtpd (`scripts/tools.sh --test` installs it).
"""
import argparse
import asyncio
import os
import sys
import threading
from pathlib import Path

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory: Path, fail_first: int, reject_all: bool):
        self.directory = directory
        self.fail_first = fail_first
        self.reject_all = reject_all
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.reject_all:
            return "550 5.7.1 Message refused by the test server"
        if self.count <= self.fail_first:
            return "451 4.3.0 Test server busy, try again later"
        name = f"{self.count:04}.eml"
        partial = self.directory / (name + ".partial")
        partial.write_bytes(envelope.original_content)
        # Whole or absent: a reader never sees half a message.
        partial.rename(self.directory / name)
        return f"250 2.0.0 OK queued as {name}"


def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject-all", action="store_true")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    sink = Sink(args.directory, args.fail_first, args.reject_all)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", decode_data=False, enable_SMTPUTF8=True),
        "127.0.0.1",
        args.port,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
