"""JSON log lines carry the request id of the request they were written in."""
import json
import logging

from app.logs import JsonFormatter, RequestIdFilter, request_id


def test_json_lines_carry_the_request_id_and_extra_fields():
    record = logging.makeLogRecord({"name": "parallax.request", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "GET %s %s", "args": ("/upload", 200), "status": 200})
    token = request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /upload 200" and line["request_id"] == "req-42" and line["status"] == 200
    assert line["level"] == "info" and line["logger"] == "parallax.request" and line["time"].endswith("+00:00")
