#!/usr/bin/python3
"""Drives a Python HTTP client through the steps of sequence.json from its own loopback address, with the
library's own redirect following and its default User-Agent.

Usage: /usr/bin/python3 drive.py CLIENT <local address>
  aiohttp         aiohttp.ClientSession (follows redirects by default), one request at a time
  aiohttp-gather  the same, but PARALLEL_ROUNDS rounds of PARALLEL requests at once (asyncio.gather) through
                  303 and 307 redirects: interleaved chains of one client (remote address + User-Agent)
  httpx           httpx.Client(follow_redirects=True) (httpx follows only when asked to)
  httpx-async     httpx.AsyncClient(follow_redirects=True)
Run with Debian's /usr/bin/python3 (python3-aiohttp and python3-httpx are installed for it). Errors are
printed and the run goes on.
"""
import asyncio
import json
import os
import sys
import time

client, local_address = sys.argv[1:3]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequence.json")) as f:
    seq = json.load(f)
BODY = seq["body"].encode()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# the parallel client: each round sends these at once
PARALLEL = [("POST", "/r303/from"), ("POST", "/r307/from"), ("PUT", "/r303/from"), ("PUT", "/r307/from"),
            ("POST", "/r308/from"), ("GET", "/r303/from"), ("POST", "/r303/from"), ("POST", "/r307/from"),
            ("POST", "/account/edit"), ("GET", "/r302/from")]
PARALLEL_ROUNDS = 3


def has_body(method):
    return method in ("POST", "PUT")


def say(method, path, outcome):
    print(f"  {client}@{local_address} {method} {path} -> {outcome}", flush=True)


def describe_error(e):
    text = str(e).splitlines()[0] if str(e) else ""
    return f"error: {type(e).__name__}: {text}"


async def aiohttp_main(parallel):
    import aiohttp

    connector = aiohttp.TCPConnector(local_addr=(local_address, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(method, path):
            try:
                async with session.request(method, seq["base"] + path, data=BODY if has_body(method) else None,
                                           headers=FORM if has_body(method) else None) as r:
                    await r.read()
                    return f"{r.status} {r.url} ({len(r.history)} redirects)"
            except Exception as e:  # TooManyRedirects, ClientError...
                return describe_error(e)

        if parallel:
            for i in range(PARALLEL_ROUNDS):
                results = await asyncio.gather(*(one(m, p) for m, p in PARALLEL))
                for (m, p), out in zip(PARALLEL, results):
                    say(m, p, f"round {i + 1}: {out}")
                await asyncio.sleep(0.2)
            return
        for step in seq["steps"]:
            say(step["method"], step["path"], await one(step["method"], step["path"]))
            await asyncio.sleep(0.05)


def httpx_sync():
    import httpx

    with httpx.Client(transport=httpx.HTTPTransport(local_address=local_address), follow_redirects=True) as c:
        for step in seq["steps"]:
            m, p = step["method"], step["path"]
            try:
                r = c.request(m, seq["base"] + p, content=BODY if has_body(m) else None, headers=FORM if has_body(m) else None)
                out = f"{r.status_code} {r.url} ({len(r.history)} redirects)"
            except Exception as e:
                out = describe_error(e)
            say(m, p, out)
            time.sleep(0.05)


async def httpx_async():
    import httpx

    async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=local_address), follow_redirects=True) as c:
        for step in seq["steps"]:
            m, p = step["method"], step["path"]
            try:
                r = await c.request(m, seq["base"] + p, content=BODY if has_body(m) else None, headers=FORM if has_body(m) else None)
                out = f"{r.status_code} {r.url} ({len(r.history)} redirects)"
            except Exception as e:
                out = describe_error(e)
            say(m, p, out)
            await asyncio.sleep(0.05)


if client == "aiohttp":
    asyncio.run(aiohttp_main(False))
elif client == "aiohttp-gather":
    asyncio.run(aiohttp_main(True))
elif client == "httpx":
    httpx_sync()
elif client == "httpx-async":
    asyncio.run(httpx_async())
else:
    sys.exit(f"unknown client {client}")
