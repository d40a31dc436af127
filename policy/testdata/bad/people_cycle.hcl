person "johnny" {
  all = [log]
}

people "a" {
  members = ["johnny", "b"]
}

people "b" {
  members = ["a"]
}
