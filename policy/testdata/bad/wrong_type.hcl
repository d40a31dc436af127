station {
  listen {
    udp = { port = 32741 }
  }
}
