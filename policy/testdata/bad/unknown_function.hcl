person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "johnny" {
    during = working_hour()
  }
}
