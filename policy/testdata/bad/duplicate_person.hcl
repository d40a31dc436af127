person "johnny" {
  all = [log]
}

person "johnny" {
  all = [log]
}
