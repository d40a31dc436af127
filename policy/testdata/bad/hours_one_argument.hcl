person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "johnny" {
    during = hours_in_day(9)
  }
}
