// Package commands is mauve's command line: one cobra command per file
// (send, serve, client, ack, config, version, completion, man...), each
// parsing its flags and wiring the other packages together, nothing more.
// main.go calls [Main] with the process's argv and an [Env]; the command
// list lives in subcommands (root.go), and [Invocation] maps the
// mauvesend/mauveserver/mauveclient link names to their commands.
//
// It owns argument parsing (including the classic mauvesend grammar, which
// pflag cannot express: see sendargs.go), exit codes and the one-line error
// format. It does not own the protocol (wire), the station's state (store),
// the configuration language (policy), delivery (notify) or HTTP (ui); and
// nothing imports it.
package commands
