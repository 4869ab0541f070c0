//! Unit tests of the compile cache's store: verification, corruption, builds and eviction.

use super::{CodeCache, entry};

fn cache(folder: &tempfile::TempDir, build: u64, limit: u64) -> CodeCache {
    CodeCache::new(folder.path().join("lang"), build, limit)
}

#[test]
fn a_stored_value_is_read_back() {
    let folder = tempfile::tempdir().unwrap();
    let cache = cache(&folder, 7, u64::MAX);
    assert_eq!(cache.get(b"key"), None);
    cache.insert(b"key", b"machine code");
    assert_eq!(cache.get(b"key").as_deref(), Some(&b"machine code"[..]));
    assert_eq!(cache.statistics(), (1, 1));
}

#[test]
fn another_build_does_not_see_the_entry() {
    let folder = tempfile::tempdir().unwrap();
    cache(&folder, 7, u64::MAX).insert(b"key", b"value");
    assert_eq!(cache(&folder, 8, u64::MAX).get(b"key"), None);
}

#[test]
fn every_truncation_and_every_flipped_byte_is_refused() {
    let bytes = entry::encode(3, b"key", b"some value");
    assert_eq!(entry::decode(&bytes, 3, b"key"), Some(&b"some value"[..]));
    assert_eq!(entry::decode(&bytes, 3, b"other"), None);
    for length in 0..bytes.len() {
        assert_eq!(
            entry::decode(&bytes[..length], 3, b"key"),
            None,
            "truncated to {length}"
        );
    }
    for index in 0..bytes.len() {
        let mut garbled = bytes.clone();
        garbled[index] ^= 0x40;
        assert_eq!(entry::decode(&garbled, 3, b"key"), None, "byte {index} flipped");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(entry::decode(&longer, 3, b"key"), None);
}

#[test]
fn a_corrupt_entry_is_a_miss_and_is_rewritten() {
    let folder = tempfile::tempdir().unwrap();
    let cache = cache(&folder, 1, u64::MAX);
    cache.insert(b"key", b"value");
    let path = cache.entry_path(b"key");
    let length = std::fs::metadata(&path).unwrap().len();
    std::fs::write(&path, &std::fs::read(&path).unwrap()[..length as usize / 2]).unwrap();
    assert_eq!(cache.get(b"key"), None);
    cache.insert(b"key", b"value");
    assert_eq!(cache.get(b"key").as_deref(), Some(&b"value"[..]));
}

#[test]
fn eviction_removes_the_least_recently_used_entries_first() {
    let folder = tempfile::tempdir().unwrap();
    let value = vec![0u8; 1000];
    let cache = cache(&folder, 1, 3500);
    for (index, key) in [b"k1", b"k2", b"k3", b"k4"].iter().enumerate() {
        cache.insert(*key, &value);
        let time = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + index as u64);
        std::fs::File::options()
            .write(true)
            .open(cache.entry_path(*key))
            .unwrap()
            .set_modified(time)
            .unwrap();
    }
    cache.evict_if_needed();
    // Four entries of a little over 1000 bytes are over 3500; eviction goes down to 2625.
    assert_eq!(cache.get(b"k1"), None);
    assert_eq!(cache.get(b"k2"), None);
    assert!(cache.get(b"k3").is_some());
    assert!(cache.get(b"k4").is_some());
}

#[test]
fn cleaning_a_missing_cache_succeeds() {
    let folder = tempfile::tempdir().unwrap();
    let cache = cache(&folder, 1, u64::MAX);
    super::clean(cache.directory()).unwrap();
    cache.insert(b"key", b"value");
    super::clean(cache.directory()).unwrap();
    assert!(!cache.directory().exists());
}
