email {
  from = "mauve at example.com"
}
person "johnny" {
  email = "johnny@"
  all   = [email]
}
person "archie" {
  email = "Archie <archie@example.com>"
  all   = [email]
}
