package relayd

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"relayd/rpc"
)

// The web pages of PROTOCOL.md section 8: plain HTML, no JavaScript, every
// value escaped by html/template, and never a notify_pass (the props shown
// are the same struct get_satellite_props returns, which has none).

var pageTemplates = template.Must(template.New("layout").Funcs(template.FuncMap{
	"show": showValue,
	"sig":  signatureText,
}).Parse(`{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>relayd: {{.Title}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eee}code{white-space:pre-wrap}</style>
</head><body>
<p><a href="/">relay</a> | <a href="/methods">methods</a> | <a href="/satellites">satellites</a></p>
<h1>{{.Title}}</h1>
{{end}}
{{define "foot"}}</body></html>
{{end}}
{{define "index"}}{{template "head" .}}
<table>{{range .Props}}<tr><th>{{.Name}}</th><td>{{show .Value}}</td></tr>
{{end}}</table>
{{template "foot" .}}{{end}}
{{define "methods"}}{{template "head" .}}
<table><tr><th>names</th><th>signature</th><th>help</th></tr>
{{range .Methods}}<tr><td>{{range $i, $n := .Names}}{{if $i}}<br>{{end}}<code>{{$n}}</code>{{end}}</td><td><code>{{sig .}}</code></td><td>{{.Help}}</td></tr>
{{end}}</table>
{{template "foot" .}}{{end}}
{{define "satellites"}}{{template "head" .}}
<p>{{len .Satellites}} of {{.Max}} satellites registered.</p>
{{range .Satellites}}<h2 id="{{.ID}}">{{.ID}}</h2>
<table>{{range .Props}}<tr><th>{{.Name}}</th><td>{{show .Value}}</td></tr>
{{end}}</table>
{{else}}<p>No satellite is registered.</p>{{end}}
{{template "foot" .}}{{end}}
`))

type page struct {
	Title      string
	Props      []rpc.Member
	Methods    []rpc.Method
	Satellites []satPage
	Max        int
}

type satPage struct {
	ID    string
	Props []rpc.Member
}

// pages returns the GET handler.
func (r *Relay) pages() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		render(w, "index", page{Title: "relay properties", Props: r.properties().Members})
	})
	mux.HandleFunc("GET /methods", func(w http.ResponseWriter, _ *http.Request) {
		render(w, "methods", page{Title: "methods", Methods: r.rpc.Methods()})
	})
	mux.HandleFunc("GET /satellites", func(w http.ResponseWriter, _ *http.Request) {
		p := page{Title: "satellites", Max: r.reg.Max()}
		for _, sat := range r.reg.List() {
			p.Satellites = append(p.Satellites, satPage{ID: sat.HostID, Props: r.satelliteProps(sat, rpc.DateTime).Members})
		}
		render(w, "satellites", p)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.state != nil {
			if h := r.state.Health(); h.LastError != "" {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("state file not saved: " + h.LastError + "\n"))
				return
			}
		}
		w.Write([]byte("ok\n"))
	})
	return mux
}

func render(w http.ResponseWriter, name string, p page) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, p); err != nil {
		http.Error(w, "page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// showValue renders a value as readable text (html/template escapes it).
func showValue(v rpc.Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v rpc.Value) {
	switch v.Kind {
	case rpc.KindInt:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case rpc.KindBool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case rpc.KindString:
		b.WriteString(v.Str)
	case rpc.KindDouble:
		b.WriteString(strconv.FormatFloat(v.Double, 'f', -1, 64))
	case rpc.KindDateTime:
		b.WriteString(v.Time.UTC().Format(time.RFC3339))
	case rpc.KindBase64:
		b.WriteString(strconv.Itoa(len(v.Bytes)) + " bytes")
	case rpc.KindNil:
		b.WriteString("nil")
	case rpc.KindArray:
		b.WriteString("[")
		for i, e := range v.Array {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
		b.WriteString("]")
	case rpc.KindStruct:
		b.WriteString("{")
		for i, m := range v.Members {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m.Name + ": ")
			writeValue(b, m.Value)
		}
		b.WriteString("}")
	}
}

func signatureText(m rpc.Method) string {
	if m.Signature == nil {
		return "undef"
	}
	parts := make([]string, len(m.Signature))
	for i, s := range m.Signature {
		if len(s) == 0 {
			continue
		}
		parts[i] = s[0] + " " + m.Names[0] + "(" + strings.Join(s[1:], ", ") + ")"
	}
	return strings.Join(parts, "\n")
}
