package wire_test

import (
	"fmt"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// A heartbeat: cleared now, raised in ten minutes unless the next one
// arrives first.
func ExampleEncode() {
	now := time.Unix(1764000000, 0)
	u := wire.Update{
		TransmissionID:   1,
		Source:           "web1",
		Alerts:           []wire.Alert{{ID: "heartbeat", ClearTime: now, RaiseTime: now.Add(10 * time.Minute)}},
		TransmissionTime: now,
	}
	b, err := wire.Encode(u)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes\n", len(b))
	back, _ := wire.Decode(b)
	fmt.Print(wire.Text(back))
	// Output:
	// 41 bytes
	// transmission_id: 1
	// source: "web1"
	// replace: false
	// alert {
	//   id: "heartbeat"
	//   raise_time: 1764000600
	//   clear_time: 1764000000
	// }
	// transmission_time: 1764000000
}
