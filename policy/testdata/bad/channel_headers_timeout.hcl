webhook "ntfy" {
  url     = "http://127.0.0.1:9998/alerts"
  headers = { "Bad Name" = "x", "X-Ok" = "one\ntwo" }
}

webhook "list" {
  url     = "http://127.0.0.1:9998/alerts"
  headers = ["Authorization"]
}

sms "slow" {
  provider = "http"
  url      = "http://127.0.0.1:9999/send"
  timeout  = "0s"
}
