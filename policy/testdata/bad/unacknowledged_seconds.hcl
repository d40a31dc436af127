person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "johnny" {
    during = unacknowledged(3600)
  }
}
