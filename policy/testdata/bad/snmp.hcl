station {
  listen {
    snmp = "::1:162"
  }
  snmp {
    community = ["public", env("MAUVE_UNSET")]
    source    = "hostname"
    unmapped  = "alert"
    user "weak" {
      auth_protocol   = "SHA1"
      auth_passphrase = "long-enough"
      priv_protocol   = "AES"
      priv_passphrase = "long-enough"
    }
    user "short" {
      auth_protocol   = "SHA"
      auth_passphrase = env("MAUVE_SET")
      priv_protocol   = "AES"
      priv_passphrase = "long-enough"
    }
    user "noprivacy" {
      auth_protocol   = "SHA"
      auth_passphrase = "long-enough"
    }
    trap "upsOnBattery" {
      summary = "on battery"
    }
    trap "1.3.6.1.4.1.318.0.5" {
      summary = "UPS {{sysname}} on battery for {{1.3.6.1.4.1.318.1.1.1.2.2.3}}"
      action  = "raise-and-page"
    }
    trap ".1.3.6.1.4.1.318.0.5" {
      id = "ups-{{0}}"
    }
    trap "1.3.6.1.4.1.318.0.7" {
      id = "ups-{{0}}"
    }
    trap "1.3.6.1.4.1.318.0.9" {
      detail = "power is back {{1"
    }
  }
}
