package wire

// The protobuf code in wirepb is generated from ../mauve.proto by protoc
// (Debian package protobuf-compiler) with the protoc-gen-go pinned by the
// tool directive in go.mod. The generated file is committed; CI regenerates
// it and fails when it differs.
//go:generate sh -c "protoc --proto_path=.. --plugin=protoc-gen-go=\"$(go tool -n protoc-gen-go)\" --go_out=.. --go_opt=module=github.com/mauve-alert/mauve ../mauve.proto"
