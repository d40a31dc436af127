sms "twilio" {
  provider = "twilio"
  account  = "AC0123"
  token    = "secret"
  from     = "+441234567890"
}

email {
  from = "mauve@example.com"
}

person "archie" {
  urgent = [sms.twilio]
  normal = [email]
}
