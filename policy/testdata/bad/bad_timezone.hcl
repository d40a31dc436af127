station {
  timezone = "Europe/Londn"
}
