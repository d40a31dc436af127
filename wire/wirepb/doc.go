// Package wirepb holds the Go code protoc generates from mauve.proto. Only
// package wire imports it: everything else uses wire.Update and wire.Alert.
// Do not edit mauve.pb.go; change mauve.proto and run go generate ./wire/...
package wirepb
