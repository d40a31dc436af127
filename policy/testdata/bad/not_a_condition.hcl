alert_group "routers" {
  includes = summary
}

alert_group "default" {}
