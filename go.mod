module relayd

go 1.26.0

require (
	github.com/alexflint/go-arg v1.6.1
	github.com/beevik/etree v1.8.1
	github.com/kolo/xmlrpc v0.0.0-20220921171641-a4b6fa1dd06b
	go.uber.org/goleak v1.3.0
	golang.org/x/time v0.16.0
)

require github.com/alexflint/go-scalar v1.2.0 // indirect
