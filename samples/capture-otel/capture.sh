#!/bin/sh
# Runs the traced server and the four traced clients on loopback and writes their spans, as the OpenTelemetry SDK
# exported them, to samples/capture-otel.jsonl (one OTLP/JSON ExportTraceServiceRequest a line). Run by hand:
#   cd samples/capture-otel && npm ci && sh capture.sh
# The server uses the stable HTTP semantic conventions (OTEL_SEMCONV_STABILITY_OPT_IN=http: http.request.method,
# url.path, client.address, ...); the http.request clients the older ones (http.method, http.url, ...), as
# instrumentation-http writes by default. Needs 127.0.0.21-23 (any Linux loopback).
set -eu
cd "$(dirname "$0")"
out=../capture-otel.jsonl
rm -f "$out" server.port
OTEL_SEMCONV_STABILITY_OPT_IN=http node server.cjs "$out" > server.port &
server=$!
while [ ! -s server.port ]; do sleep 0.1; done
port=$(cat server.port)
for kind in fetch correct naive keeper; do
  node client.cjs "$kind" "$out" "$port"
done
kill -TERM "$server"
wait "$server" || true
rm -f server.port
node -e 'const fs=require("fs");const l=fs.readFileSync(process.argv[1],"utf8").trim().split("\n");let s=0;for(const x of l)for(const r of JSON.parse(x).resourceSpans)for(const ss of r.scopeSpans)s+=ss.spans.length;console.log(`${l.length} lines, ${s} spans, ${fs.statSync(process.argv[1]).size} bytes`)' "$out"
{ echo "node $(node --version)"; npm ls --depth=0 2>/dev/null | tail -n +2; } > versions.txt
