//! Whole-program entries of the compile cache: a start of `lang run` whose every source file is
//! unchanged replays the program's image (`codegen::image`) instead of lexing, parsing,
//! checking and compiling it, as Dart starts from a snapshot.
//!
//! An entry is named by the program's identity — the main file as given, the working folder,
//! and the code generation settings — and holds every file the checker asked the loader for,
//! with a SHA-256 of its text (or that it did not exist), followed by the image. It is used
//! only when each of those files still loads to the same text and each missing one is still
//! missing, so a new file that an import would now find is seen too. The entry is an ordinary
//! cache entry: verified before use, written atomically, evicted with the rest, and removed by
//! `lang cache clean`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::CodeCache;
use crate::source::{LoadError, SourceLoader};

/// Which program an entry is for, as bytes: the entry stores them and a read compares them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramIdentity(Vec<u8>);

impl ProgramIdentity {
    /// The identity of the program started from `main` in the current folder, compiled with the
    /// code generation `settings` (each setting that changes the code, as text).
    pub fn new(main: &Path, settings: &str) -> Option<ProgramIdentity> {
        let folder = std::env::current_dir().ok()?;
        let text = format!(
            "lang program image {FORMAT}\nmain {}\nfolder {}\nsettings {settings}\n",
            main.display(),
            folder.display()
        );
        Some(ProgramIdentity(text.into_bytes()))
    }
}

/// The format of an entry's value; a change makes older entries misses.
const FORMAT: u32 = 1;

/// One file the checker asked for, and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Input {
    path: PathBuf,
    /// The SHA-256 of the text, or `None` when there was no such file.
    text_hash: Option<[u8; 32]>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProgramEntry {
    inputs: Vec<Input>,
    image: Vec<u8>,
}

/// A loader that remembers what it loaded, so that the program's entry can say which files it
/// depends on.
pub struct RecordingLoader<'a> {
    inner: &'a mut dyn SourceLoader,
    inputs: Vec<Input>,
    /// False once a load failed for a reason that may not last (a permission, a directory):
    /// such a program is not stored.
    storable: bool,
}

impl<'a> RecordingLoader<'a> {
    pub fn new(inner: &'a mut dyn SourceLoader) -> RecordingLoader<'a> {
        RecordingLoader {
            inner,
            inputs: Vec::new(),
            storable: true,
        }
    }
}

impl SourceLoader for RecordingLoader<'_> {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        self.load_shared(path).map(|text| String::clone(&text))
    }

    fn load_shared(&mut self, path: &Path) -> Result<std::sync::Arc<String>, LoadError> {
        let loaded = self.inner.load_shared(path);
        let text_hash = match &loaded {
            Ok(text) => Some(text_hash(text)),
            Err(LoadError::NotFound) => None,
            Err(_) => {
                self.storable = false;
                None
            }
        };
        self.inputs.push(Input {
            path: path.to_path_buf(),
            text_hash,
        });
        loaded
    }
}

fn text_hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl CodeCache {
    /// The image stored for `identity`, when the entry verifies and every file it depends on
    /// still loads (through `loader`) as it did when the image was made.
    pub fn program_image(&self, identity: &ProgramIdentity, loader: &mut dyn SourceLoader) -> Option<Vec<u8>> {
        let value = super::entry::read(&self.program_path(identity), self.build, &identity.0)?;
        let entry: ProgramEntry = postcard::from_bytes(&value).ok()?;
        for input in &entry.inputs {
            let now = match loader.load(&input.path) {
                Ok(text) => Some(text_hash(&text)),
                Err(LoadError::NotFound) => None,
                Err(_) => return None,
            };
            if now != input.text_hash {
                return None;
            }
        }
        Some(entry.image)
    }

    /// Stores `image` for `identity` with the files `loader` recorded. Does nothing when a load
    /// failed in a way that may not last, or when writing fails (the next start compiles).
    pub fn insert_program_image(&self, identity: &ProgramIdentity, loader: RecordingLoader<'_>, image: Vec<u8>) {
        if !loader.storable {
            return;
        }
        let entry = ProgramEntry {
            inputs: loader.inputs,
            image,
        };
        let Ok(value) = postcard::to_allocvec(&entry) else {
            return;
        };
        if value.len() as u64 > super::entry::MAXIMUM_ENTRY_SIZE / 2 {
            return;
        }
        if super::entry::write(&self.program_path(identity), self.build, &identity.0, &value).is_ok() {
            self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Beside the functions' entries (so eviction and `lang cache clean` treat both alike),
    /// named by a hash of the identity; the entry itself stores the whole identity.
    fn program_path(&self, identity: &ProgramIdentity) -> PathBuf {
        let name = format!("{:016x}", lang_abi::hash::fnv1a(&identity.0));
        self.directory
            .join(super::CODE_FOLDER)
            .join("programs")
            .join(format!("{name}-{:016x}", self.build))
    }
}
