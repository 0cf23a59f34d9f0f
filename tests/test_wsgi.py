"""The WSGI side of `ikg serve`: whole bodies handed to the server as one piece."""

from __future__ import annotations

from service.wsgi import WholeBodies


class Closing:
    """An app's body iterator that records being closed."""

    def __init__(self, chunks):
        self.chunks, self.closed = chunks, False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def _app(headers, body):
    def app(environ, start_response):
        start_response("200 OK", headers)
        return body
    return app


def test_a_small_body_of_known_length_is_one_list_and_the_iterator_is_closed():
    body = Closing([b"ab", b"cd"])
    out = WholeBodies(_app([("Content-Length", "4")], body))({}, lambda *a: None)
    assert out == [b"abcd"] and body.closed


def test_a_streamed_or_large_body_stays_an_iterator():
    streamed = Closing([b"ab"])
    assert WholeBodies(_app([("Content-Type", "text/plain")], streamed))({}, lambda *a: None) is streamed
    big = Closing([b"x"])
    large = [("Content-Length", str(WholeBodies.LIMIT + 1))]
    assert WholeBodies(_app(large, big))({}, lambda *a: None) is big and not big.closed
