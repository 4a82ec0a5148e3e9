# A Python client relaying one value of every type as host_id.
# usage: sender.py RELAY_URL HOST_ID
# Prints the canonical form of what it relayed.
import json, sys, xmlrpc.client
from canon import canon
from every_type import every_type

relay_url, host_id = sys.argv[1], sys.argv[2]
data = every_type(True)
p = xmlrpc.client.ServerProxy(relay_url, allow_none=True)
assert p.relay.relay({"host_id": host_id, "data": data}) == "OK"
# What the receiver gets back is what xmlrpc.client decodes from the wire.
sent = xmlrpc.client.loads(xmlrpc.client.dumps((data,), allow_none=True))[0][0]
print(json.dumps(canon(sent), sort_keys=True))
