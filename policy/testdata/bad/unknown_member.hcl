person "johnny" {
  all = [log]
}

people "ops" {
  members = ["johnny", "archy"]
}
