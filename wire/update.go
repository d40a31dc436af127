package wire

import "time"

// Update is what one sender said in one datagram: the plain form of the
// protobuf AlertUpdate. Only this package knows the protobuf types; every
// other package works with Update and Alert.
type Update struct {
	// TransmissionID is random per transmission; the station drops repeats
	// seen within its duplicate window. Zero is never a duplicate.
	TransmissionID uint64
	// Source names the sender: a host or a monitoring system.
	Source string
	// Replace asks the station to clear every other alert of Source that
	// this update does not name.
	Replace bool
	// Alerts are the alerts this update raises, clears or refreshes.
	Alerts []Alert
	// Signature is the HMAC-SHA256 of the update encoded without it; empty
	// when unsigned.
	Signature []byte
	// TransmissionTime is the sender's clock when it sent the update; zero
	// when the sender did not say.
	TransmissionTime time.Time
	// Refused lists the ids of alerts the update named but the Listener
	// took out of Alerts, because their raise or clear time was plainly
	// wrong. They still count as named: a replace must not clear them.
	// Encode ignores it.
	Refused []string
}

// Alert is one alert inside an Update. Zero times mean "not set".
type Alert struct {
	// ID is unique per source and required.
	ID string
	// RaiseTime is when the alert is (or will be) raised; zero: not raised.
	RaiseTime time.Time
	// ClearTime is when the alert is (or will be) cleared; zero: not cleared.
	ClearTime time.Time
	// Subject is the entity alerted about; the station defaults it to the
	// source.
	Subject string
	// Summary is a short description that fits an SMS.
	Summary string
	// Detail is an HTML fragment; the station sanitizes it.
	Detail string
	// Importance is 0 by default.
	Importance uint32
	// SuppressUntil asks for no notifications before then; zero: none.
	SuppressUntil time.Time
}
