//go:build race

package main

// raceEnabled: under -race, wazero's compiler takes over a minute to compile
// the module, so TestDriverNoop leaves the compiler engine to `make bench`.
const raceEnabled = true
