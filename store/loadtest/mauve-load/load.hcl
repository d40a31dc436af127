# A station for load tests: the load tool's alerts (sources load*) are in a
# group that tells nobody, so the run measures receiving and committing, not
# delivering; anything else is told to the log as usual.
#
#   mauve serve --config store/loadtest/mauve-load/load.hcl --db /tmp/load.db \
#     --udp 127.0.0.1:42741 --http 127.0.0.1:41288
#   go run ./store/loadtest/mauve-load -realistic -sources 1000 -duration 3s \
#     -station 127.0.0.1:42741 -http 127.0.0.1:41288
station {
  name          = "load"
  initial_sleep = "0s"
}

person "ops" {
  all = [log]
}

alert_group "load" {
  level    = low
  includes = glob("load*", source)
}

alert_group "default" {
  level = normal
  notify "ops" {
    every = "1h"
  }
}
