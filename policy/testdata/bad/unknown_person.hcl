person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "jonny" {
    every = "15m"
  }
}
