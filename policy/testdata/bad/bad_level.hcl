alert_group "default" {
  level = critical
}
