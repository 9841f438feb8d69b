package db

import (
	"strings"
	"testing"
)

// A name that could break out of the DDL statement is refused before any
// connection is made (nothing listens at the DSN's address).
func TestCreateDatabaseRefusesUnsafeNames(t *testing.T) {
	for _, name := range []string{"", "a`; DROP DATABASE test; --", "with space", "dash-ed", "ünïcode"} {
		_, _, err := CreateDatabase("root@tcp(127.0.0.1:1)/test", name)
		if err == nil || !strings.Contains(err.Error(), "letters, digits and _ only") {
			t.Errorf("CreateDatabase(%q) = %v, want refused for its name", name, err)
		}
	}
}
