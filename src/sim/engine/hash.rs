//! A stable 64-bit hash: the same bytes give the same value on every
//! platform and in every run (unlike std's randomly keyed SipHash), for the
//! digests of results and the flows of names.

use std::hash::Hasher;

/// FNV-1a over `parts`, one after another (fnv's implementation).
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash = fnv::FnvHasher::default();
    for part in parts {
        hash.write(part);
    }
    hash.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_fnv_1a() {
        // The reference values of the FNV test suite (isthe.com/chongo/tech/comp/fnv).
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&[b"foo", b"bar"]), fnv1a(&[b"foobar"]));
        assert_eq!(fnv1a(&[b"foobar"]), 0x85944171f73967e8);
    }
}
