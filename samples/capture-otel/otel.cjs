// The OpenTelemetry SDK as each process of the capture uses it: a NodeTracerProvider for one service, the http
// and undici instrumentations, and a file exporter that appends each export as one OTLP/JSON line (the bytes of
// @opentelemetry/otlp-transformer's JsonTraceSerializer, the serializer the otlp-http exporter posts with JSON
// encoding), as the Collector's file exporter writes them.
'use strict';
const { appendFileSync } = require('node:fs');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');

class OtlpJsonLinesExporter {
  constructor(file) {
    this.file = file;
  }
  export(spans, done) {
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    // One write with O_APPEND per export: the lines of several processes never interleave.
    appendFileSync(this.file, Buffer.concat([Buffer.from(bytes), Buffer.from('\n')]));
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

function setup(serviceName, file) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OtlpJsonLinesExporter(file), { scheduledDelayMillis: 250 })],
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        headersToSpanAttributes: {
          server: { requestHeaders: ['content-length', 'referer'], responseHeaders: ['location'] },
          client: { responseHeaders: ['location'] },
        },
      }),
      new UndiciInstrumentation({ headersToSpanAttributes: { responseHeaders: ['location'] } }),
    ],
  });
  return provider;
}

module.exports = { setup };
