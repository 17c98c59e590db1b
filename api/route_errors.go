package api

import (
	"fmt"

	"github.com/vikalp/vikalp"
)

var errNoRoute = fmt.Errorf("no such endpoint: %w", vikalp.ErrNotFound)
