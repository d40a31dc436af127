subjects "core-routers" {
  members = ["core1.example.com"]
}

alert_group "core" {
  includes = in_list("core-router", subject)
}

alert_group "default" {}
