station {
  name = "alerts1
}
