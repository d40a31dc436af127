person "p" {
  all = [log]
}

people "team" {
  members = ["p"]
  every   = "30s"
}
