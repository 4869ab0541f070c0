//! The table behind `{K: V}`, and the map object that owns it: an insertion-ordered hash map
//! of 64-bit words.
//!
//! Keys are `int`s or string objects (hashed and compared by content); values are words whose
//! meaning the compiled code knows. Entries are kept in insertion order in a vector, with
//! removed entries left as holes until a compaction; an open-addressing index maps hashes to
//! entry positions (the layout of Python's and indexmap's ordered dicts).

use crate::object::{Header, StrObject, str_bytes};

/// A map object: the table itself is Rust data owned by the object.
#[repr(C)]
pub struct MapObject {
    pub header: Header,
    pub table: *mut Table,
}

/// An index slot: the entry's position in the low 32 bits and the high 32 bits of its hash
/// above, so most probes are decided without touching the entry.
const EMPTY: u64 = u64::MAX;

fn index_slot(position: usize, hash: u64) -> u64 {
    (hash & 0xffff_ffff_0000_0000) | position as u64
}

#[derive(Clone, Copy)]
struct Entry {
    key: u64,
    value: u64,
    hash: u64,
    /// The key packed as `short_key` says: a short string key is compared without reading its
    /// object, which is elsewhere in the heap (a cache miss per probe otherwise).
    short: u64,
    live: bool,
    /// The number of insertions of new keys before this one, so that a loop over the map
    /// can tell the keys inserted since it started (even a key removed and inserted again).
    sequence: u64,
}

pub struct Table {
    entries: Vec<Entry>,
    /// Slots (see `index_slot`) or `EMPTY`; its length is a power of two (or zero).
    index: Vec<u64>,
    live: usize,
    string_keys: bool,
    /// Insertions of new keys so far.
    insertions: u64,
}

/// The multiplier of `hash_bytes`.
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A fast, good-enough hash (FxHash's multiply-rotate over 8-byte chunks).
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hash: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
    let mut tail = 0u64;
    for (shift, &byte) in chunks.remainder().iter().enumerate() {
        tail |= (byte as u64) << (shift * 8);
    }
    hash = (hash.rotate_left(5) ^ tail).wrapping_mul(SEED);
    finish(hash)
}

/// `short_key` of a key that does not fit in a word: an `int` key or a string of more than 7
/// bytes (no packed string has 0xff as its top byte, which holds its length).
const NOT_SHORT: u64 = u64::MAX;

/// A string of at most 7 bytes as one word: its bytes from the lowest byte up, and its
/// length in the top byte, so two strings have equal words exactly when they are equal.
/// (`hash_and_short_key` computes it; this byte-by-byte form is the reference its test uses.)
#[cfg(test)]
fn short_key(bytes: &[u8]) -> u64 {
    if bytes.len() > 7 {
        return NOT_SHORT;
    }
    let mut word = (bytes.len() as u64) << 56;
    for (shift, &byte) in bytes.iter().enumerate() {
        word |= (byte as u64) << (shift * 8);
    }
    word
}

/// `(hash_bytes(bytes), short_key(bytes))`, a short string's bytes read once, a word at a time.
fn hash_and_short_key(bytes: &[u8]) -> (u64, u64) {
    let length = bytes.len();
    if length > 7 {
        return (hash_bytes(bytes), NOT_SHORT);
    }
    // The bytes from the lowest up: two reads that may overlap put each byte in its place.
    let word = match length {
        0 => 0,
        1..=3 => {
            bytes[0] as u64
                | (bytes[length / 2] as u64) << (length / 2 * 8)
                | (bytes[length - 1] as u64) << ((length - 1) * 8)
        }
        _ => {
            let low = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) as u64;
            let high = u32::from_le_bytes(bytes[length - 4..].try_into().expect("4 bytes")) as u64;
            low | high << ((length - 4) * 8)
        }
    };
    // `hash_bytes` of at most 7 bytes: no whole chunk, then the tail.
    let hash = finish(((length as u64).rotate_left(5) ^ word).wrapping_mul(SEED));
    (hash, word | (length as u64) << 56)
}

fn finish(hash: u64) -> u64 {
    // Mix the high bits down: the index uses the low bits.
    (hash ^ (hash >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (hash >> 32)
}

impl Table {
    pub fn new(string_keys: bool, capacity: usize) -> Table {
        let mut table = Table {
            entries: Vec::with_capacity(capacity),
            index: Vec::new(),
            live: 0,
            string_keys,
            insertions: 0,
        };
        if capacity > 0 {
            table.rebuild_index((capacity * 2).next_power_of_two().max(8));
        }
        table
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Bytes owned by the table, for the heap's accounting.
    pub fn owned_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>() + self.index.capacity() * 8
    }

    /// The key's hash, and its packed form (`short_key`).
    fn hash(&self, key: u64) -> (u64, u64) {
        if self.string_keys {
            // SAFETY: string-keyed tables only ever receive live string objects.
            let bytes = unsafe { str_bytes(key as *const StrObject) };
            hash_and_short_key(bytes)
        } else {
            (finish(key.wrapping_mul(0x9e37_79b9_7f4a_7c15)), NOT_SHORT)
        }
    }

    fn keys_equal(&self, a: u64, b: u64) -> bool {
        if a == b {
            return true;
        }
        if self.string_keys {
            // SAFETY: as in `hash`.
            unsafe { str_bytes(a as *const StrObject) == str_bytes(b as *const StrObject) }
        } else {
            false
        }
    }

    /// The position in `index` holding `key`'s entry, or the empty position where it would go.
    fn probe(&self, key: u64, (hash, short): (u64, u64)) -> (usize, Option<usize>) {
        let mask = self.index.len() - 1;
        let mut position = hash as usize & mask;
        loop {
            let slot = self.index[position];
            if slot == EMPTY {
                return (position, None);
            }
            if (slot ^ hash) >> 32 == 0 {
                let number = (slot & 0xffff_ffff) as usize;
                let entry = &self.entries[number];
                // Two packed keys are equal exactly when the strings are; a packed key never
                // equals a longer one; only two long string keys are compared byte by byte.
                if entry.live
                    && entry.hash == hash
                    && (entry.key == key
                        || match (short, entry.short) {
                            (NOT_SHORT, NOT_SHORT) => self.keys_equal(entry.key, key),
                            (short, entry_short) => short == entry_short,
                        })
                {
                    return (position, Some(number));
                }
            }
            position = (position + 1) & mask;
        }
    }

    fn find(&self, key: u64) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        let hash = self.hash(key);
        self.probe(key, hash).1
    }

    pub fn get(&self, key: u64) -> Option<u64> {
        self.find(key).map(|entry| self.entries[entry].value)
    }

    /// The address of `key`'s value word, valid until the table next changes shape (an
    /// insertion of a new key, a removal, a compaction): `m[k] op= v` reads and writes through
    /// it with one probe.
    pub fn value_slot(&mut self, key: u64) -> Option<*mut u64> {
        let entry = self.find(key)?;
        Some(&mut self.entries[entry].value as *mut u64)
    }

    /// With one hash and one probe: the address of `key`'s value word when it is present (as
    /// [`Table::value_slot`]), or `None` after inserting `key` with `value` (as
    /// [`Table::insert`]). `if has(m, k) { m[k] += 1 } else { insert(m, k, 1) }` is one call.
    pub fn value_slot_or_insert(&mut self, key: u64, value: u64) -> Option<*mut u64> {
        let (hash, short) = self.hash(key);
        if !self.index.is_empty()
            && let (_, Some(entry)) = self.probe(key, (hash, short))
        {
            return Some(&mut self.entries[entry].value as *mut u64);
        }
        // At most half full, as in `insert`; growing moves the empty position, so probe again.
        if (self.entries.len() + 1) * 2 > self.index.len() {
            self.grow();
        }
        let (position, _) = self.probe(key, (hash, short));
        self.push_entry(position, key, value, hash, short);
        None
    }

    /// Insertions of new keys so far (see [`Table::get_inserted_before`]).
    pub fn insertions(&self) -> u64 {
        self.insertions
    }

    /// The value of `key` if it is present and was inserted before `insertions` was what
    /// [`Table::insertions`] returned: `for k, v in m` does not visit keys inserted during the
    /// loop, including one removed and inserted again (which goes last).
    pub fn get_inserted_before(&self, key: u64, insertions: u64) -> Option<u64> {
        self.find(key)
            .map(|entry| &self.entries[entry])
            .filter(|entry| entry.sequence < insertions)
            .map(|entry| entry.value)
    }

    pub fn contains(&self, key: u64) -> bool {
        self.find(key).is_some()
    }

    /// Inserts or overwrites in place; returns true when the key was new.
    pub fn insert(&mut self, key: u64, value: u64) -> bool {
        // At most half full: linear probing stays short.
        if (self.entries.len() + 1) * 2 > self.index.len() {
            self.grow();
        }
        let (hash, short) = self.hash(key);
        let (position, found) = self.probe(key, (hash, short));
        if let Some(entry) = found {
            self.entries[entry].value = value;
            return false;
        }
        self.push_entry(position, key, value, hash, short);
        true
    }

    /// Adds a new key's entry, its index slot at `position` (empty, found by `probe`).
    fn push_entry(&mut self, position: usize, key: u64, value: u64, hash: u64, short: u64) {
        self.index[position] = index_slot(self.entries.len(), hash);
        self.entries.push(Entry {
            key,
            value,
            hash,
            short,
            live: true,
            sequence: self.insertions,
        });
        self.live += 1;
        self.insertions += 1;
    }

    pub fn remove(&mut self, key: u64) {
        if let Some(entry) = self.find(key) {
            // The entry becomes a hole; the index keeps pointing at it (as a tombstone) until
            // the next rebuild, so probe chains stay intact.
            self.entries[entry].live = false;
            self.live -= 1;
        }
    }

    fn grow(&mut self) {
        // Drop holes first; grow the index only if the live entries need it.
        let needed = ((self.live + 1) * 4).next_power_of_two().max(8);
        self.entries.retain(|entry| entry.live);
        self.rebuild_index(needed.max(self.index.len()));
    }

    fn rebuild_index(&mut self, size: usize) {
        self.index.clear();
        self.index.resize(size, EMPTY);
        let mask = size - 1;
        for (number, entry) in self.entries.iter().enumerate() {
            let mut position = entry.hash as usize & mask;
            while self.index[position] != EMPTY {
                position = (position + 1) & mask;
            }
            self.index[position] = index_slot(number, entry.hash);
        }
    }

    /// The live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.entries
            .iter()
            .filter(|entry| entry.live)
            .map(|entry| (entry.key, entry.value))
    }

    /// Calls `visit` with every key (if strings) and value (if references) for the collector.
    pub fn for_each_reference(&self, string_keys: bool, reference_values: bool, mut visit: impl FnMut(u64)) {
        for entry in self.entries.iter().filter(|entry| entry.live) {
            if string_keys {
                visit(entry.key);
            }
            if reference_values {
                visit(entry.value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_equal_exactly_when_the_strings_are() {
        let texts: [&[u8]; 9] = [
            b"",
            b"a",
            b"a\0",
            b"\0",
            b"ab",
            b"ba",
            b"abcdefg",
            b"abcdefh",
            b"\xff\xff",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(short_key(a) == short_key(b), a == b, "{a:?} {b:?}");
            }
            assert_ne!(short_key(a), NOT_SHORT);
        }
        assert_eq!(short_key(b"abcdefgh"), NOT_SHORT);
        for text in texts
            .into_iter()
            .chain([b"abcd".as_slice(), b"abcde", b"abcdef", b"abcdefghijk"])
        {
            assert_eq!(
                hash_and_short_key(text),
                (hash_bytes(text), short_key(text)),
                "{text:?}"
            );
        }
        assert_eq!(short_key(&[0xff; 7]) >> 56, 7);
    }
}
