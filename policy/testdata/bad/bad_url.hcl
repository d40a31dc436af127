station {
  url = "alerts.example.com"
}
