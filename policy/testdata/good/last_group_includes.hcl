# The last group takes every alert no earlier group took: its includes
# has no effect, and the loader says so.
alert_group "web" {
  includes = source == "web"
}

alert_group "db" {
  includes = source == "db"
}
