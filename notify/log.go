package notify

import (
	"context"
	"log/slog"
)

// Log "delivers" a notification by writing one log line. It is the channel
// of the embedded defaults' one person, so a station with no mail server
// still says what it would have told whom.
type Log struct {
	logger *slog.Logger
}

var _ Channel = (*Log)(nil)

// NewLog returns a Log channel writing to logger (nil: discard).
func NewLog(logger *slog.Logger) *Log {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Log{logger: logger}
}

// Send writes m as one structured line; it fails only when ctx is done.
func (l *Log) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	attrs := []slog.Attr{
		slog.String("person", m.Notification.Person),
		slog.String("alert", m.Notification.Source+"/"+m.Notification.AlertID),
		slog.String("event", string(m.Notification.Event)),
		slog.String("level", string(m.Notification.Level)),
		slog.String("subject", m.Subject),
		slog.String("url", m.URL),
	}
	if m.Note != "" {
		attrs = append(attrs, slog.String("note", m.Note))
	}
	l.logger.LogAttrs(ctx, slog.LevelInfo, "notification", attrs...)
	return nil
}
