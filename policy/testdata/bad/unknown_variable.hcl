alert_group "routers" {
  includes = subjct == "core1"
}

alert_group "default" {}
