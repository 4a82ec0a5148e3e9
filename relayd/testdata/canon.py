# canon turns what xmlrpc.client decoded into JSON-able data that keeps the
# XML-RPC type of every value, so two sides can compare exactly.
import base64, xmlrpc.client

def canon(v):
    if isinstance(v, bool):
        return {"$bool": v}
    if isinstance(v, int):
        return {"$int": v}
    if isinstance(v, float):
        return {"$double": repr(v)}
    if isinstance(v, str):
        return v
    if v is None:
        return {"$nil": True}
    if isinstance(v, xmlrpc.client.DateTime):
        return {"$dateTime": v.value}
    if isinstance(v, xmlrpc.client.Binary):
        return {"$base64": base64.b64encode(v.data).decode()}
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    raise TypeError("unexpected %r" % (v,))
