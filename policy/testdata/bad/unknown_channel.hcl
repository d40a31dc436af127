person "archie" {
  all = [pager]
}
