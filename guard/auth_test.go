package guard

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestCredentialsNeverPrintThePassword(t *testing.T) {
	const secret = "pw-5f1d-never-shown"
	c := Credentials{User: "admin", Password: secret}
	cfg := DefaultConfig()
	cfg.Admin = c
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "admin", c)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "admin", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%+v %#v", cfg, cfg), logs.String()} {
		if strings.Contains(s, secret) {
			t.Fatalf("the password shows in %q", s)
		}
	}
	if !strings.Contains(c.String(), "admin") {
		t.Fatalf("String() = %q, want the user at least", c.String())
	}
}

func TestCredentialsValidate(t *testing.T) {
	tests := []struct {
		c  Credentials
		ok bool
	}{
		{Credentials{}, true},
		{Credentials{User: "admin", Password: "pw"}, true},
		{Credentials{User: "admin"}, false},
		{Credentials{Password: "pw"}, false},
	}
	for _, tc := range tests {
		if err := tc.c.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%v) = %v, want ok %v", tc.c, err, tc.ok)
		}
	}
}

func TestCredentialMatch(t *testing.T) {
	cc := newCredentialCheck(Credentials{User: "admin", Password: "s3cret"})
	tests := []struct {
		name           string
		user, password string
		send           bool
		want           bool
	}{
		{"none sent", "", "", false, false},
		{"right", "admin", "s3cret", true, true},
		{"wrong password", "admin", "s3cret!", true, false},
		{"password prefix", "admin", "s3cre", true, false},
		{"wrong user", "root", "s3cret", true, false},
		{"empty", "", "", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "http://relay/", nil)
			if tc.send {
				r.SetBasicAuth(tc.user, tc.password)
			}
			if got := cc.match(r); got != tc.want {
				t.Fatalf("match = %v, want %v", got, tc.want)
			}
		})
	}
}
