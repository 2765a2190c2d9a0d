// Package cli is the bounce command line: cobra commands, flags, terminal
// detection, colour and tables. It is the only package that prints, reads
// the environment or imports cobra, color and tablewriter; everything it
// shows comes from the library packages under pkg/.
package cli
