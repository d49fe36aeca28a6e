use super::*;
use crate::platform::db::test_pool;

const T0: Timestamp = Timestamp::from_millis(1_000_000);

/// `millis` after `T0`.
fn t0_plus(millis: i64) -> Timestamp {
    T0.plus_millis(millis)
}

fn ip(last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([10, 0, 0, last]))
}

fn limits(per_pair: u32, per_ip: u32, per_account: u32) -> SignInLimiter {
    SignInLimiter::new(Limits {
        per_pair,
        per_ip,
        per_account,
        window_minutes: 15,
    })
}

/// Whether an attempt is let through (and then left counted).
async fn try_once(
    limiter: &SignInLimiter,
    pool: &AnyPool,
    ip: Option<IpAddr>,
    email: &str,
    at: Timestamp,
) -> Result<(), RetryAfter> {
    limiter
        .begin(pool, ip, Account::Unknown(email), at)
        .await
        .unwrap()
        .map(drop)
}

#[tokio::test]
async fn an_account_is_locked_from_an_address_after_its_failures_until_the_window_ends() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(3, 100, 100);
    for i in 0..3 {
        try_once(&limiter, &pool, ip(1), "a@example.com", t0_plus(i))
            .await
            .unwrap();
    }
    let refused = try_once(&limiter, &pool, ip(1), " A@example.com", t0_plus(10))
        .await
        .unwrap_err();
    assert_eq!(refused, RetryAfter(15 * MILLIS_PER_MINUTE - 10));
    assert_eq!(
        refused.message(),
        "Too many failed sign-in attempts. Try again in 15 minutes."
    );
    assert!(
        try_once(&limiter, &pool, ip(1), "b@example.com", t0_plus(10))
            .await
            .is_ok(),
        "other accounts are not locked"
    );
    let later = t0_plus(15 * MILLIS_PER_MINUTE);
    assert!(try_once(&limiter, &pool, ip(1), "a@example.com", later)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_guesser_on_one_address_does_not_lock_the_owner_out_of_another() {
    let (pool, _dir) = test_pool().await;
    let limiter = SignInLimiter::default();
    for i in 0..50 {
        let _ = try_once(&limiter, &pool, ip(66), "owner@example.com", t0_plus(i)).await;
    }
    assert!(
        try_once(&limiter, &pool, ip(66), "owner@example.com", t0_plus(60))
            .await
            .is_err()
    );
    let owner = limiter
        .begin(
            &pool,
            ip(1),
            Account::Unknown("owner@example.com"),
            t0_plus(61),
        )
        .await
        .unwrap()
        .unwrap();
    owner.succeeded().await;
}

#[tokio::test]
async fn many_addresses_meet_the_account_ceiling() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(5, 30, 20);
    for i in 0..20 {
        try_once(&limiter, &pool, ip(i), "a@x", T0).await.unwrap();
    }
    assert!(try_once(&limiter, &pool, ip(200), "a@x", t0_plus(1))
        .await
        .is_err());
    assert!(try_once(&limiter, &pool, ip(200), "b@x", t0_plus(1))
        .await
        .is_ok());
}

#[tokio::test]
async fn an_address_is_limited_across_accounts() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(100, 4, 100);
    for (i, email) in ["a@x", "b@x", "c@x", "d@x"].iter().enumerate() {
        try_once(&limiter, &pool, ip(1), email, t0_plus(i as i64))
            .await
            .unwrap();
    }
    assert!(try_once(&limiter, &pool, ip(1), "e@x", t0_plus(5))
        .await
        .is_err());
    assert!(try_once(&limiter, &pool, ip(2), "e@x", t0_plus(5))
        .await
        .is_ok());
}

#[tokio::test]
async fn an_ipv6_client_cannot_rotate_through_its_own_64() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(3, 100, 100);
    let host = |last: u16| Some(IpAddr::from([0x2001, 0xdb8, 7, 7, 0, 0, 0, last]));
    for i in 0..3 {
        try_once(&limiter, &pool, host(i), "a@x", T0).await.unwrap();
    }
    assert!(try_once(&limiter, &pool, host(999), "a@x", T0)
        .await
        .is_err());
    let neighbour = Some(IpAddr::from([0x2001, 0xdb8, 7, 8, 0, 0, 0, 1]));
    assert!(try_once(&limiter, &pool, neighbour, "a@x", T0)
        .await
        .is_ok());
    // IPv4 seen through an IPv6 socket is still the IPv4 address.
    let mapped = Some(IpAddr::from([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]));
    for _ in 0..3 {
        try_once(&limiter, &pool, mapped, "b@x", T0).await.unwrap();
    }
    assert!(try_once(&limiter, &pool, ip(1), "b@x", T0).await.is_err());
}

#[tokio::test]
async fn no_typed_email_can_name_a_known_account() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(3, 100, 100);
    // What a known account's key was built from before it was tagged,
    // and its id with and without the tag.
    for typed in ["user 3", "3", "k3"] {
        for i in 0..3 {
            try_once(&limiter, &pool, ip(1), typed, t0_plus(i))
                .await
                .unwrap();
        }
        assert!(try_once(&limiter, &pool, ip(1), typed, t0_plus(9))
            .await
            .is_err());
    }
    let owner = limiter
        .begin(&pool, ip(1), Account::Known(UserId(3)), t0_plus(10))
        .await
        .unwrap();
    assert!(owner.is_ok(), "the typed emails locked user 3");
    // And each kind keeps its parts apart.
    assert_ne!(
        keys(ip(1), Account::Known(UserId(3))),
        keys(ip(1), Account::Unknown("user 3"))
    );
}

#[tokio::test]
async fn a_cancelled_attempt_does_not_count() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(2, 100, 100);
    for _ in 0..10 {
        let attempt = limiter
            .begin(&pool, ip(1), Account::Unknown("a@x"), T0)
            .await
            .unwrap();
        attempt.unwrap().cancel().await;
    }
    assert!(try_once(&limiter, &pool, ip(1), "a@x", T0).await.is_ok());
}

#[tokio::test]
async fn attempts_are_reserved_before_the_password_is_checked() {
    // Parallel guesses: every one reserves before any finishes, so
    // only the first `per_pair` get through.
    let (pool, _dir) = test_pool().await;
    let limiter = limits(5, 100, 100);
    let started = futures::future::join_all(
        (0..60).map(|_| limiter.begin(&pool, ip(1), Account::Unknown("a@x"), T0)),
    )
    .await;
    let through = started.iter().filter(|a| matches!(a, Ok(Ok(_)))).count();
    assert_eq!(through, 5);
}

#[tokio::test]
async fn two_servers_on_one_database_count_the_same_failures() {
    // Two limiters, as two `trove serve` processes, with pools of
    // their own on one database file.
    let dir = tempfile::tempdir().unwrap();
    let url = crate::platform::db::test_database_url(&dir).await;
    let pool = crate::platform::db::connect(&url).await.unwrap();
    let other_pool = crate::platform::db::connect(&url).await.unwrap();
    let (a, b) = (SignInLimiter::default(), SignInLimiter::default());
    for i in 0..5 {
        let (limiter, pool) = if i % 2 == 0 {
            (&a, &pool)
        } else {
            (&b, &other_pool)
        };
        try_once(limiter, pool, ip(1), "a@x", t0_plus(i))
            .await
            .unwrap();
    }
    assert!(try_once(&a, &pool, ip(1), "a@x", t0_plus(9)).await.is_err());
    assert!(try_once(&b, &other_pool, ip(1), "a@x", t0_plus(9))
        .await
        .is_err());
}

#[tokio::test]
async fn success_takes_the_reservation_back_and_clears_the_pair() {
    let (pool, _dir) = test_pool().await;
    let limiter = limits(2, 100, 100);
    try_once(&limiter, &pool, ip(1), "a@x", T0).await.unwrap();
    let attempt = limiter
        .begin(&pool, ip(1), Account::Unknown("a@x"), t0_plus(1))
        .await
        .unwrap();
    attempt.unwrap().succeeded().await;
    try_once(&limiter, &pool, ip(1), "a@x", t0_plus(2))
        .await
        .unwrap();
    assert!(try_once(&limiter, &pool, ip(1), "a@x", t0_plus(3))
        .await
        .is_ok());
    for _ in 0..50 {
        let attempt = limiter
            .begin(&pool, ip(1), Account::Unknown("b@x"), T0)
            .await
            .unwrap();
        attempt.unwrap().succeeded().await;
    }
}

#[tokio::test]
async fn ended_windows_are_forgotten_and_no_email_is_stored() {
    let (pool, _dir) = test_pool().await;
    let limiter = SignInLimiter::default();
    try_once(&limiter, &pool, ip(1), "a@x", T0).await.unwrap();
    try_once(&limiter, &pool, ip(2), "b@x", t0_plus(MILLIS_PER_MINUTE))
        .await
        .unwrap();
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM sign_in_failures")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(keys.len(), 6, "three keys an attempt, none shared");
    assert!(keys
        .iter()
        .all(|k| !k.contains("a@x") && !k.contains("10.0.0")));
    let ended = t0_plus(15 * MILLIS_PER_MINUTE);
    assert_eq!(limiter.forget_ended(&pool, ended).await.unwrap(), 3);
    assert_eq!(limiter.forget_ended(&pool, ended).await.unwrap(), 0);
}
