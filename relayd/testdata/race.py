# N threads register at once; print how many won and how the others failed.
# usage: race.py RELAY_URL N FIRST_PORT
import sys, threading, xmlrpc.client
url, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
barrier = threading.Barrier(n)
won, faults, lock = [], [], threading.Lock()
def register(port):
    proxy = xmlrpc.client.ServerProxy(url)
    barrier.wait()
    try:
        host_id = proxy.relay.register({"port": port})
        with lock:
            won.append(host_id)
    except xmlrpc.client.Fault as f:
        with lock:
            faults.append("%d %s" % (f.faultCode, f.faultString.split(":")[0]))
threads = [threading.Thread(target=register, args=(first + i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(len(won), len(faults), sorted(set(faults)))
