//! FNV-1a, the one hash of the project wherever a hash is stored or compared across
//! processes: library contents in manifests, struct layouts, the ABI hash and the token hash
//! of a declaration. Unlike the standard library's `DefaultHasher`, whose algorithm std does
//! not promise, its values are the same on every Rust toolchain and machine.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a (64 bits) of `bytes`. It detects truncated, half-written and corrupted files; it
/// is not meant to resist deliberate forgery.
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hasher = StableHasher::new();
    hasher.add(bytes);
    hasher.state
}

/// FNV-1a as a [`std::hash::Hasher`]. Integers are fed as little-endian bytes, so the value
/// does not depend on the machine either.
#[derive(Clone, Copy, Debug)]
pub struct StableHasher {
    state: u64,
}

impl StableHasher {
    pub const fn new() -> StableHasher {
        StableHasher { state: OFFSET_BASIS }
    }

    const fn add(&mut self, bytes: &[u8]) {
        let mut index = 0;
        while index < bytes.len() {
            self.state ^= bytes[index] as u64;
            self.state = self.state.wrapping_mul(PRIME);
            index += 1;
        }
    }
}

impl Default for StableHasher {
    fn default() -> StableHasher {
        StableHasher::new()
    }
}

impl std::hash::Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.state
    }

    fn write(&mut self, bytes: &[u8]) {
        self.add(bytes);
    }

    fn write_u8(&mut self, value: u8) {
        self.add(&[value]);
    }

    fn write_u16(&mut self, value: u16) {
        self.add(&value.to_le_bytes());
    }

    fn write_u32(&mut self, value: u32) {
        self.add(&value.to_le_bytes());
    }

    fn write_u64(&mut self, value: u64) {
        self.add(&value.to_le_bytes());
    }

    fn write_usize(&mut self, value: usize) {
        self.add(&(value as u64).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    #[test]
    fn known_values() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_hasher_is_the_function() {
        let mut hasher = StableHasher::new();
        hasher.write(b"foo");
        hasher.write(b"bar");
        assert_eq!(hasher.finish(), fnv1a(b"foobar"));
        let mut hasher = StableHasher::new();
        hasher.write_u32(0x6f6f66);
        assert_eq!(hasher.finish(), fnv1a(b"foo\0"));
    }
}
