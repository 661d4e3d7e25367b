package cli_test

import (
	"os"
	"testing"

	"github.com/stigscan/stigscan/internal/testpg"
)

// TestMain stops the PostgreSQL server the database tests share.
func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }
