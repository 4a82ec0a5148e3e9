# xmlrpc.client, with and without allow_none, calls relayd's test method
# with every type, nested, and must get back exactly what it sent.
# usage: echo_every_type.py RELAY_URL
import sys, xmlrpc.client
from canon import canon
from every_type import every_type

url = sys.argv[1]
out = []
for allow_none in (False, True):
    data = every_type(allow_none)
    p = xmlrpc.client.ServerProxy(url, allow_none=allow_none)
    got = p.test(data)
    sent = xmlrpc.client.loads(xmlrpc.client.dumps((data,), allow_none=allow_none))[0][0]
    assert canon(got) == canon(sent), (canon(got), canon(sent))
    # The same through call_method and a multicall.
    assert canon(p.call_method({"method_name": "test", "data": data})) == canon(sent)
    mc = xmlrpc.client.MultiCall(p)
    mc.test(data)
    mc.ping()
    r = list(mc())
    assert canon(r[0]) == canon(sent) and r[1] == "pong"
    out.append("OK")
print(" ".join(out))
