package satellite

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"relayd/rpc"
)

// The satellite's one page, GET /: its properties as a table, plain HTML
// escaped by html/template. The properties never hold the notify_pass.

var propsPage = template.Must(template.New("props").Funcs(template.FuncMap{"show": showValue}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>satellite {{.Title}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eee}</style>
</head><body>
<h1>satellite {{.Title}}</h1>
<table>{{range .Props}}<tr><th>{{.Name}}</th><td>{{show .Value}}</td></tr>
{{end}}</table>
</body></html>
`))

// pages returns the GET handler.
func (s *Satellite) pages() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		title := s.cfg.Nick
		if id := s.HostID(); id != "" {
			title = strings.TrimSpace(title + " " + id)
		}
		var buf bytes.Buffer
		err := propsPage.Execute(&buf, struct {
			Title string
			Props []rpc.Member
		}{title, s.properties().Members})
		if err != nil {
			http.Error(w, "page failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.Write(buf.Bytes())
	})
	return mux
}

// showValue renders a property as readable text.
func showValue(v rpc.Value) string {
	switch v.Kind {
	case rpc.KindInt:
		return strconv.FormatInt(v.Int, 10)
	case rpc.KindString:
		return v.Str
	case rpc.KindDateTime:
		return v.Time.UTC().Format(time.RFC3339)
	case rpc.KindArray:
		parts := make([]string, len(v.Array))
		for i, e := range v.Array {
			parts[i] = showValue(e)
		}
		return strings.Join(parts, ", ")
	default:
		return v.Kind.String()
	}
}
