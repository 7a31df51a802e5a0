"""The lab's /hash service, instrumented with OpenTelemetry.

Run it under `opentelemetry-instrument` (see the Dockerfile): the Flask instrumentation then
records the HTTP server metrics and traces, and the OTLP exporter sends them to the collector
named by OTEL_EXPORTER_OTLP_ENDPOINT. Nothing here talks to OpenTelemetry directly, so the
same code runs with telemetry switched off (OTEL_SDK_DISABLED=true).
"""

import hashlib
import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/hash")
def hash_data():
    # JMeter's plan sends a form field `data`; curl users often send JSON or a raw body.
    data = request.form.get("data")
    if data is None:
        body = request.get_json(silent=True)
        data = body.get("data") if isinstance(body, dict) else request.get_data(as_text=True)
    if not data:
        return jsonify(error="send a non-empty 'data' form field, JSON field or body"), 400
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    return jsonify(sha256=digest, length=len(data))


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


def main():
    # waitress: a production WSGI server that writes each response in one piece, so
    # latency figures are not inflated by Nagle's algorithm as with Flask's dev server.
    from waitress import serve

    serve(
        app,
        host=os.environ.get("HOST", "0.0.0.0"),
        port=int(os.environ.get("PORT", "5000")),
        threads=int(os.environ.get("THREADS", "8")),
    )


if __name__ == "__main__":
    main()
