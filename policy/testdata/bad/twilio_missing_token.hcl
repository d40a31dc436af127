sms "twilio" {
  provider = "twilio"
  account  = "AC0123"
  from     = "+441234567890"
}
