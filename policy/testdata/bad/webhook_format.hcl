webhook "chat" {
  url    = "https://chat.example.com/hook"
  format = "xml"
}
