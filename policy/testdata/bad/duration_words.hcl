person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "johnny" {
    every = "15 minutes"
  }
}
