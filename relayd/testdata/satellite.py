# A co2 satellite as Python users write one: SimpleXMLRPCServer serving
# notify and ping, registered with the relay through xmlrpc.client.
# usage: satellite.py RELAY_URL NICK NOTIFY_PASS
# Prints "READY <host_id>", then one "NOTIFY <json>" line per notification.
import json, sys, threading, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
from canon import canon

relay_url, nick, notify_pass = sys.argv[1], sys.argv[2], sys.argv[3]

class QuietHandler(SimpleXMLRPCRequestHandler):
    def log_message(self, *args):
        pass

server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=QuietHandler, allow_none=True, logRequests=False)
lock = threading.Lock()

def notify(param):
    with lock:
        print("NOTIFY " + json.dumps(canon(param), sort_keys=True), flush=True)
    return "OK"

server.register_function(notify, "notify")
server.register_function(lambda *a: "pong", "ping")
port = server.server_address[1]
reg = {"port": port, "nick": nick}
if notify_pass:
    reg["notify_pass"] = notify_pass
host_id = xmlrpc.client.ServerProxy(relay_url).relay.register(reg)
print("READY " + host_id, flush=True)
server.serve_forever()
