person "johnny" {
  all      = [log]
  password = "hunter2"
}
