station {
  max_alerts_per_update = "lots"
}
