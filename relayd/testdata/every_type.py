# every_type is one value holding every XML-RPC type, nested, as a Python
# client sends them (nil only with allow_none).
import datetime, xmlrpc.client

def every_type(with_nil):
    v = {
        "int": 42, "neg": -2147483648, "max": 2147483647,
        "true": True, "false": False,
        "double": 1.5, "tiny": 1e-07, "big": 1e300, "negzero": -0.0,
        "string": "a<b>&c \"q\" 'a' ]]> \t\n end", "empty": "", "unicode": "h\u00e9llo \u2603 \U0001F600",
        "spaces": "  padded  ",
        "date": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "date_raw": xmlrpc.client.DateTime("2024-01-02T03:04:05Z"),
        "bytes": xmlrpc.client.Binary(bytes(range(256)) * 3),
        "nobytes": xmlrpc.client.Binary(b""),
        "list": [1, ["a", [2.5, []]], {}],
        "nested": {"a&b": {"": "emptykey", "deeper": [{"x": [True]}]}},
    }
    if with_nil:
        v["nil"] = None
        v["list_nil"] = [None, 1]
    return v
