//! One cache entry on disk: its format, how it is verified when read and written atomically.
//!
//! ```text
//! magic "LANGCODE" | format u32 | build u64 | key length u32 | key | value length u64 | value
//! | checksum u64 (FNV-1a of everything before it)
//! ```
//! All integers little-endian. A file that is shorter or longer than its lengths say, names
//! another build or key, or fails the checksum is not an entry: reading it gives nothing.

use std::io::{Read, Write};
use std::path::Path;

use lang_abi::hash::fnv1a;

const MAGIC: &[u8; 8] = b"LANGCODE";
const FORMAT: u32 = 1;
/// No entry is larger: a bigger file is not read into memory.
pub(super) const MAXIMUM_ENTRY_SIZE: u64 = 64 << 20;

/// The verified value stored at `path` for `build` and `key`.
pub(super) fn read(path: &Path, build: u64, key: &[u8]) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let metadata = file.metadata().ok()?;
    if metadata.len() > MAXIMUM_ENTRY_SIZE {
        return None;
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes).ok()?;
    let value = decode(&bytes, build, key)?;
    // Least recently *used*: a hit renews the entry's time, at most once an hour (a
    // write per hit would cost more than the hit saves).
    if let Ok(modified) = metadata.modified()
        && modified.elapsed().is_ok_and(|age| age.as_secs() > 3600)
    {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Some(value.to_vec())
}

/// Writes the entry through a temporary file in the same folder, renamed into place.
pub(super) fn write(path: &Path, build: u64, key: &[u8], value: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("an entry path has a folder"))?;
    std::fs::create_dir_all(folder)?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    temporary.write_all(&encode(build, key, value))?;
    // Another process may write the same entry at the same time: both write the same bytes
    // and each rename is atomic, so either one wins whole.
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

pub(super) fn encode(build: u64, key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(40 + key.len() + value.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&build.to_le_bytes());
    bytes.extend_from_slice(&(key.len() as u32).to_le_bytes());
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&(value.len() as u64).to_le_bytes());
    bytes.extend_from_slice(value);
    let checksum = fnv1a(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

pub(super) fn decode<'a>(bytes: &'a [u8], build: u64, key: &[u8]) -> Option<&'a [u8]> {
    let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if fnv1a(body) != u64::from_le_bytes(checksum.try_into().ok()?) {
        return None;
    }
    let mut reader = Reader { bytes: body };
    if reader.take(8)? != MAGIC
        || u32::from_le_bytes(reader.take(4)?.try_into().ok()?) != FORMAT
        || u64::from_le_bytes(reader.take(8)?.try_into().ok()?) != build
    {
        return None;
    }
    let key_length = u32::from_le_bytes(reader.take(4)?.try_into().ok()?) as usize;
    if reader.take(key_length)? != key {
        return None;
    }
    let value_length = usize::try_from(u64::from_le_bytes(reader.take(8)?.try_into().ok()?)).ok()?;
    let value = reader.take(value_length)?;
    reader.bytes.is_empty().then_some(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(count)?;
        self.bytes = rest;
        Some(taken)
    }
}
