//! The client's address behind reverse proxies. A TLS proxy in front of the server makes every
//! request come from the proxy; its `Forwarded` / `X-Forwarded-For` header names the client. The
//! header is believed only from a peer in the trusted list (`TRUSTED_PROXIES`, empty by
//! default), and only as far back as the chain passes through trusted proxies: anyone can
//! write such a header, so the first untrusted hop from the right is the client.

use http::header::{HeaderMap, FORWARDED};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The address rate limits and logs use, stored in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Who sent this request: the peer itself unless it is a trusted proxy.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_chain(headers).into_iter().rev() {
        match hop {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            // An unreadable hop ("unknown", an obfuscated name): stop at the last proxy we trust.
            None => return client,
        }
    }
    client
}

/// The hops the proxies recorded, nearest last: `Forwarded`'s `for=` when present (RFC 7239),
/// else `X-Forwarded-For`. `None` for a hop that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = values(FORWARDED.as_str());
    if !forwarded.trim().is_empty() {
        return forwarded
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| parse_node(value))
            })
            .collect();
    }
    let forwarded_for = values(X_FORWARDED_FOR);
    forwarded_for.split(',').map(str::trim).filter(|hop| !hop.is_empty()).map(parse_node).collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(addr) = value.parse::<SocketAddr>() {
        return Some(addr.ip().to_canonical());
    }
    value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).and_then(|v| v.parse::<IpAddr>().ok())
}

/// One entry of the `TRUSTED_PROXIES` list: a network (`10.0.0.0/8`) or one address.
pub fn parse_trusted(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{value:?} is neither an address nor a network like 10.0.0.0/8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_peer() {
        let trusted = vec![parse_trusted("10.0.0.0/8").unwrap()];
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(resolve(ip("198.51.100.1"), &h, &trusted), ip("198.51.100.1"), "a stranger's header is ignored");
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.7"));
        assert_eq!(resolve(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"), "nothing is trusted by default");
        assert_eq!(resolve(ip("10.0.0.2"), &HeaderMap::new(), &trusted), ip("10.0.0.2"), "no header: the proxy");
    }

    #[test]
    fn a_forged_start_of_the_chain_is_not_believed() {
        let trusted = vec![parse_trusted("10.0.0.0/8").unwrap()];
        // The client wrote "1.2.3.4" itself; the trusted proxy appended what it saw.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.9")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.7"));
        let split = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.8")]);
        assert_eq!(resolve(ip("10.0.0.2"), &split, &trusted), ip("203.0.113.8"), "repeated headers read as one list");
        let unknown = headers(&[("x-forwarded-for", "203.0.113.7, unknown")]);
        assert_eq!(resolve(ip("10.0.0.2"), &unknown, &trusted), ip("10.0.0.2"), "stop at an unreadable hop");
    }

    #[test]
    fn forwarded_wins_and_is_read_as_rfc_7239_writes_it() {
        let trusted = vec![parse_trusted("127.0.0.1").unwrap()];
        let h = headers(&[
            ("forwarded", r#"for="[2001:db8:cafe::17]:4711";proto=https, for=192.0.2.60:8080"#),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted), ip("192.0.2.60"));
        let v6 = headers(&[("forwarded", r#"For="[2001:db8:cafe::17]:4711""#)]);
        assert_eq!(resolve(ip("127.0.0.1"), &v6, &trusted), ip("2001:db8:cafe::17"));
        assert_eq!(resolve(ip("::ffff:127.0.0.1"), &v6, &trusted), ip("2001:db8:cafe::17"), "v4-mapped peer");
    }

    #[test]
    fn trusted_entries_are_networks_or_addresses() {
        assert_eq!(parse_trusted(" 10.1.0.0/16 ").unwrap().to_string(), "10.1.0.0/16");
        assert_eq!(parse_trusted("::1").unwrap().to_string(), "::1/128");
        assert!(parse_trusted("proxy.local").is_err());
    }
}
