package guard

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
)

// Realm is the basic-auth realm a 401 names.
const Realm = "relayd"

// Credentials are the user name and password of HTTP basic auth. The zero
// value (no User) means no credentials are needed. They never print the
// password: String, GoString and LogValue show "***" in its place.
type Credentials struct {
	// User is the name; "" turns basic auth off.
	User string
	// Password is compared in constant time; it must not be empty when
	// User is set.
	Password string
}

// Enabled reports whether credentials are required.
func (c Credentials) Enabled() bool { return c.User != "" }

// Validate refuses a user without a password and a password without a user.
func (c Credentials) Validate() error {
	switch {
	case c.User != "" && c.Password == "":
		return fmt.Errorf("basic auth: user %q has no password", c.User)
	case c.User == "" && c.Password != "":
		return fmt.Errorf("basic auth: a password is set but no user")
	}
	return nil
}

func (c Credentials) String() string {
	if !c.Enabled() {
		return "none"
	}
	return c.User + ":***"
}

// GoString keeps %#v from printing the password.
func (c Credentials) GoString() string { return "guard.Credentials{" + c.String() + "}" }

// LogValue keeps slog from printing the password.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// credentialCheck holds the digests of the expected credentials, so that
// comparing takes the same time whatever the lengths involved.
type credentialCheck struct {
	enabled        bool
	user, password [sha256.Size]byte
}

func newCredentialCheck(c Credentials) credentialCheck {
	return credentialCheck{
		enabled:  c.Enabled(),
		user:     sha256.Sum256([]byte(c.User)),
		password: sha256.Sum256([]byte(c.Password)),
	}
}

// match reports whether r carries the expected basic-auth credentials.
// Both halves are always compared, so the time does not tell which one
// was wrong.
func (cc credentialCheck) match(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok {
		return false
	}
	u := sha256.Sum256([]byte(user))
	p := sha256.Sum256([]byte(password))
	okUser := subtle.ConstantTimeCompare(u[:], cc.user[:])
	okPassword := subtle.ConstantTimeCompare(p[:], cc.password[:])
	return okUser&okPassword == 1
}
