module github.com/bounce-tool/bounce

go 1.25.0

require (
	github.com/emersion/go-message v0.18.2
	github.com/google/go-cmp v0.7.0
)

require golang.org/x/text v0.14.0 // indirect
