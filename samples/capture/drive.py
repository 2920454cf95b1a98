#!/usr/bin/python3
"""Drives a Python HTTP client through the steps of sequence.json from its own loopback address.

Usage: /usr/bin/python3 drive.py requests|urllib <local address> [--codes-only] [--xff 203.0.113.7]
Run with Debian's /usr/bin/python3 (python3-requests is installed for it). Default User-Agent and
default redirect handling; errors (HTTPError for unfollowed redirects, 405, 500, loops) are printed
and the run goes on.
"""
import functools
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.request

client, local_address, *rest = sys.argv[1:]
codes_only = "--codes-only" in rest
xff = rest[rest.index("--xff") + 1] if "--xff" in rest else None
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequence.json")) as f:
    seq = json.load(f)
BODY = seq["body"].encode()


def headers_for(method):
    h = {}
    if method != "GET":
        h["Content-Type"] = "application/x-www-form-urlencoded"
    if xff:
        h["X-Forwarded-For"] = xff
    return h


def make_requests_sender():
    import requests
    from requests.adapters import HTTPAdapter

    class SourceAddressAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (local_address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", SourceAddressAdapter())

    def send(method, url):
        r = session.request(method, url, data=BODY if method in ("POST", "PUT") else None, headers=headers_for(method))
        return f"{r.status_code} {r.url} ({len(r.history)} redirects)"

    return send


def make_urllib_sender():
    class SourceAddressHTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(local_address, 0)), req)

    opener = urllib.request.build_opener(SourceAddressHTTPHandler)

    def send(method, url):
        req = urllib.request.Request(url, data=BODY if method in ("POST", "PUT") else None, method=method, headers=headers_for(method))
        try:
            with opener.open(req) as r:
                r.read()
                return f"{r.status} {r.url}"
        except urllib.error.HTTPError as e:
            return f"HTTPError {e.code} {e.reason} at {e.url}"

    return send


send = {"requests": make_requests_sender, "urllib": make_urllib_sender}[client]()
for step in seq["steps"]:
    method, path = step["method"], step["path"]
    if codes_only and not path.startswith("/r"):
        continue
    try:
        outcome = send(method, seq["base"] + path)
    except Exception as e:  # TooManyRedirects, connection errors...
        outcome = f"error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    print(f"  {client}@{local_address} {method} {path} -> {outcome}", flush=True)
    time.sleep(0.05)
