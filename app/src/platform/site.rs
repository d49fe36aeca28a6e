//! The origin people use to reach Trove (`--public-url`), and the checks
//! made against it: a request's Host must name it, and a change must come
//! from a page of it (Origin). Comparing with the request's own Host instead
//! would let a DNS-rebinding page through: its Host and Origin agree with
//! each other, just not with the name this server answers to.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    /// `scheme://host[:port]`, as browsers send it in `Origin`, lowercase.
    origins: Vec<String>,
    /// `host[:port]` values accepted in `Host` (or HTTP/2's `:authority`).
    hosts: Vec<String>,
    /// Listening on every interface without a public URL: any IP address
    /// on this port is accepted too. An address is not a name, so no other
    /// site can rebind it to this server.
    any_address_on: Option<u16>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a public URL: use http(s)://host[:port], without a path")]
pub struct PublicOriginError(String);

impl PublicOrigin {
    /// `https://trove.example.com`, `http://10.0.0.5:3000`.
    pub fn parse(text: &str) -> Result<Self, PublicOriginError> {
        let error = || PublicOriginError(text.to_owned());
        let url = url::Url::parse(text.trim()).map_err(|_| error())?;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none();
        let host = url.host_str().filter(|_| plain).ok_or_else(error)?;
        let port = url.port_or_known_default().ok_or_else(error)?;
        let mut hosts = vec![format!("{host}:{port}")];
        if url.port().is_none() {
            hosts.push(host.to_owned());
        }
        Ok(Self {
            origins: vec![url.origin().ascii_serialization()],
            hosts,
            any_address_on: None,
        })
    }

    /// The default: `http://<addr>`. On a loopback address the names
    /// `localhost` and `127.0.0.1` are accepted too (a rebinding page can
    /// only bring its own name, never these).
    pub fn for_addr(addr: SocketAddr) -> Self {
        let port = addr.port();
        let mut names = vec![match addr {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        }];
        if addr.ip().is_loopback() || addr.ip().is_unspecified() {
            names.extend(["localhost", "127.0.0.1", "[::1]"].map(str::to_owned));
            names.dedup();
        }
        // Browsers leave the default port out of Host and Origin.
        let with_port = |n: &String| {
            if port == 80 {
                n.clone()
            } else {
                format!("{n}:{port}")
            }
        };
        let mut hosts: Vec<String> = names.iter().map(with_port).collect();
        if port == 80 {
            hosts.extend(names.iter().map(|n| format!("{n}:80")));
        }
        Self {
            origins: names
                .iter()
                .map(|n| format!("http://{}", with_port(n)))
                .collect(),
            hosts,
            any_address_on: addr.ip().is_unspecified().then_some(port),
        }
    }

    /// `10.0.0.5:3000` or `[2001:db8::1]:3000` on the port of
    /// `any_address_on`.
    fn is_address_on_our_port(&self, host: &str) -> bool {
        self.any_address_on.is_some_and(|port| {
            host.parse::<SocketAddr>()
                .is_ok_and(|addr| addr.port() == port)
                || (port == 80 && host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok())
        })
    }

    /// The main origin, e.g. `https://trove.example.com`.
    pub fn origin(&self) -> &str {
        self.origins.first().map_or("", String::as_str)
    }

    /// Whether a `Host` header (or `:authority`) names this server.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) || self.is_address_on_our_port(host)
    }

    /// Whether an `Origin` header, or the origin of a `Referer`, is this
    /// site's.
    pub fn allows_source(&self, source: &str) -> bool {
        let Some((scheme, rest)) = source.split_once("://") else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let origin = format!("{scheme}://{authority}");
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(&origin))
            || (scheme == "http" && self.is_address_on_our_port(authority))
    }
}

/// The client's address: the peer's, unless the peer is one of Trove's own
/// reverse proxies (`--trusted-proxy`), which then says whom it forwards in
/// the last entry of `X-Forwarded-For` (the one it appended itself; earlier
/// entries come from the client and prove nothing).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &http::HeaderMap,
    trusted_proxies: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted_proxies.contains(&peer.to_canonical()) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .last()
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    Some(forwarded.unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_says_who_the_client_is() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "10.9.9.9, 203.0.113.9".parse().unwrap());
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            Some(client)
        );
        // Anyone else's header is ignored: it is the client's own word.
        assert_eq!(
            client_address(Some(client), &headers, &[proxy]),
            Some(client)
        );
        assert_eq!(client_address(Some(proxy), &headers, &[]), Some(proxy));
        // A proxy that sent nothing usable: its own address.
        let empty = http::HeaderMap::new();
        assert_eq!(client_address(Some(proxy), &empty, &[proxy]), Some(proxy));
        let mut junk = http::HeaderMap::new();
        junk.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_address(Some(proxy), &junk, &[proxy]), Some(proxy));
    }

    #[test]
    fn a_public_url_names_one_host_and_origin() {
        let site = PublicOrigin::parse("https://Trove.Example.com/").unwrap();
        assert_eq!(site.origin(), "https://trove.example.com");
        assert!(site.allows_host("trove.example.com"));
        assert!(site.allows_host("TROVE.example.com:443"));
        assert!(!site.allows_host("trove.example.com:3000"));
        assert!(!site.allows_host("evil.test:3000"));
        assert!(site.allows_source("https://trove.example.com"));
        assert!(site.allows_source("https://trove.example.com/spaces/x?y"));
        assert!(!site.allows_source("http://trove.example.com"));
        assert!(!site.allows_source("https://trove.example.com.evil.test"));
        assert!(!site.allows_source("null"));
        assert!(!site.allows_source("trove.example.com"));

        let site = PublicOrigin::parse("http://10.0.0.5:3000").unwrap();
        assert!(site.allows_host("10.0.0.5:3000"));
        assert!(!site.allows_host("10.0.0.5"));
        assert!(site.allows_source("http://10.0.0.5:3000"));
    }

    #[test]
    fn urls_with_more_than_an_origin_are_refused() {
        for bad in [
            "trove.example.com",
            "ftp://trove.example.com",
            "https://trove.example.com/trove",
            "https://user:pw@trove.example.com",
            "https://trove.example.com/?x",
            "http://",
        ] {
            assert!(PublicOrigin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_default_for_a_loopback_address_accepts_its_local_names_only() {
        let site = PublicOrigin::for_addr("127.0.0.1:3000".parse().unwrap());
        assert_eq!(site.origin(), "http://127.0.0.1:3000");
        for host in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000"] {
            assert!(site.allows_host(host), "{host}");
        }
        for host in ["evil.test:3000", "127.0.0.1:3001", "127.0.0.1", ""] {
            assert!(!site.allows_host(host), "{host}");
        }
        assert!(site.allows_source("http://localhost:3000"));
        assert!(!site.allows_source("http://evil.test:3000"));

        // On every interface: any address (never a name) on the port.
        let site = PublicOrigin::for_addr("0.0.0.0:3000".parse().unwrap());
        for host in ["192.168.1.20:3000", "[2001:db8::1]:3000", "localhost:3000"] {
            assert!(site.allows_host(host), "{host}");
        }
        for host in ["192.168.1.20:3001", "evil.test:3000", "192.168.1.20"] {
            assert!(!site.allows_host(host), "{host}");
        }
        assert!(site.allows_source("http://192.168.1.20:3000"));
        assert!(!site.allows_source("http://evil.test:3000"));

        let site = PublicOrigin::for_addr("10.1.2.3:80".parse().unwrap());
        assert!(site.allows_host("10.1.2.3:80"));
        assert!(site.allows_host("10.1.2.3"));
        assert!(site.allows_source("http://10.1.2.3"));
        assert!(!site.allows_host("localhost:80"));
    }
}
