subjects "nets" {
  members = ["10.0.0.0/33", "app10..1.example.com"]
}
