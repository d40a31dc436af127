station {
  nmae = "alerts1"
}

alert-group "default" {}
