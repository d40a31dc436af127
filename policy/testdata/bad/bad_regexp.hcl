alert_group "routers" {
  includes = matches("(core", summary)
}

alert_group "default" {}
