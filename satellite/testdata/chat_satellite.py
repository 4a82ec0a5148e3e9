# A co2 satellite as Python users write one, for the end-to-end tests:
# SimpleXMLRPCServer serving notify and ping, registered through
# xmlrpc.client. The test drives it over XML-RPC: say(text) relays
# {text: text}; received() returns every notification so far.
# usage: chat_satellite.py RELAY_URL NICK NOTIFY_PASS
# Prints "READY <host_id>" once registered.
import sys, threading, xmlrpc.client
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler

relay_url, nick, notify_pass = sys.argv[1], sys.argv[2], sys.argv[3]

class Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, *args):
        pass

class Server(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), requestHandler=Quiet, logRequests=False)
lock = threading.Lock()
received = []

def notify(param):
    if notify_pass and param.get("notify_pass") != notify_pass:
        raise Exception("PermissionError: wrong notify_pass")
    with lock:
        received.append({"host_id": param["host_id"], "data": param["data"]})
    return "OK"

def say(text):
    # One proxy per call: ServerProxy is not safe to share between threads.
    return xmlrpc.client.ServerProxy(relay_url).relay.relay({"host_id": host_id, "data": {"text": text}})

def got():
    with lock:
        return list(received)

server.register_function(notify, "notify")
server.register_function(lambda *a: "pong", "ping")
server.register_function(say, "say")
server.register_function(got, "received")
reg = {"port": server.server_address[1], "nick": nick}
if notify_pass:
    reg["notify_pass"] = notify_pass
host_id = xmlrpc.client.ServerProxy(relay_url).relay.register(reg)
print("READY " + host_id, flush=True)
server.serve_forever()
