station {
  max_alerts_per_update = 0
}
