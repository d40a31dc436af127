station {
  working_hours = ["9-17"]
  dead_zone     = ["03:00-03:00"]
}
