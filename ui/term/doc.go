// Package term is the terminal side of `mauve client`: the interactive view
// of raised alerts (a bubbletea model), the reconnecting follower of the
// station's event stream, the script-friendly --once and --json output, and
// desktop notifications over D-Bus.
//
// The model takes data and key messages and returns commands; it does no
// I/O of its own, so tests drive it directly without a terminal. Actions
// (acknowledge, unacknowledge) go through the [Actions] interface, which
// ui.Client satisfies through a small adapter in commands.
//
// It does not own the HTTP client or its authentication (package ui), the
// flags and the token file (commands), or anything on the station.
//
// # Never by accident
//
// Acknowledging takes three steps: a duration (empty for the group's
// default), a note, then an explicit "y" on a confirmation line naming the
// alert. The alert is pinned when "a" is pressed, so a list that changes
// under the prompt cannot redirect it; if the alert clears or changes
// state meanwhile, the prompt is cancelled.
package term
