package main

import (
	"net"
	"sync"
)

// hungSat accepts connections and never answers them: a satellite whose
// process is stuck. Its accept loop and the goroutine holding each
// connection are owned by the hungSat; stop ends them all.
type hungSat struct {
	ln     net.Listener
	port   int
	stopCh chan struct{}
	wg     sync.WaitGroup
}

func startHungSat() (*hungSat, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hungSat{ln: ln, port: ln.Addr().(*net.TCPAddr).Port, stopCh: make(chan struct{})}
	h.wg.Add(1)
	go h.accept()
	return h, nil
}

func (h *hungSat) accept() {
	defer h.wg.Done()
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			<-h.stopCh
			c.Close()
		}()
	}
}

func (h *hungSat) stop() {
	h.ln.Close()
	close(h.stopCh)
	h.wg.Wait()
}
