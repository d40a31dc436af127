person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "johnny" {
    every  = "1h"
    during = no_one_in("oncall")
  }
}
