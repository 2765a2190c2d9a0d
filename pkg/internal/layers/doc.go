// Package layers holds the test that keeps the architecture's layers
// intact: which of the project's packages may import which, and that only
// the command line imports cobra, color and tablewriter. It has no code of
// its own; see layers_test.go.
package layers
