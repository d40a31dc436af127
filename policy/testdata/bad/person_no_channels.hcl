person "archie" {
  timezone = "Europe/London"
}
