person "johnny" {
  sms    = "+447111222333"
  urgent = [sms.twilio, log]
  normal = [log]
}
