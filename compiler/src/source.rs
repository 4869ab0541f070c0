//! Source files, their identities and spans, and the loader through which the compiler reads them.
//!
//! The compiler itself does no I/O: whoever drives it (the command line, a test, an embedding
//! host) implements [`SourceLoader`] and decides where module files come from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Identifies one loaded source file within a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range within one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Where a source file came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceOrigin {
    /// A file on disk (or what the loader presents as one), shown to users by this path.
    File(PathBuf),
    /// A module of the standard library, embedded in the compiler.
    Stdlib(String),
}

/// One source file: its name as shown in diagnostics and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub origin: SourceOrigin,
    pub display_name: String,
    /// Shared, not copied: hot reload keeps each settled file's text between checks, and a
    /// check hands it to a parsing thread and to the parse cache (`SourceLoader::load_shared`).
    pub text: Arc<String>,
}

/// Every source file of one compilation, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, origin: SourceOrigin, text: impl Into<Arc<String>>) -> FileId {
        let text = text.into();
        let display_name = match &origin {
            SourceOrigin::File(path) => path.display().to_string(),
            SourceOrigin::Stdlib(name) => format!("<stdlib>/{name}.ln"),
        };
        self.files.push(SourceFile {
            origin,
            display_name,
            text,
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, file: FileId) -> &SourceFile {
        &self.files[file.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(index as u32), file))
    }

    /// The 1-based line and column (in characters) of a byte offset, as diagnostics show them.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let text = &self.get(file).text;
        let offset = (offset as usize).min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

/// The starts of a file's lines, found as far as they were asked for: code generation asks
/// for the line of each error site it emits, and a module compiled under hot reload may emit
/// only its variables' initializers, at the top of its file. Scanning the whole of every
/// file for them was an eighth of the first compile of a 100,000-line program.
#[derive(Clone, Debug, Default)]
pub struct LineTable {
    /// The byte offset of each line found so far; the first is 0.
    starts: Vec<u32>,
    /// How many bytes of the text were scanned for line breaks.
    scanned: usize,
}

impl LineTable {
    /// Bytes scanned at a time past the offset asked for: sites come roughly in order, so
    /// the next is usually within reach.
    const SCAN_AHEAD: usize = 8 * 1024;

    /// The 1-based line and column (in characters) of byte `offset` of `text`, which must be
    /// the text every earlier call passed.
    pub fn line_col(&mut self, text: &str, offset: u32) -> (usize, usize) {
        let offset = floor_char_boundary(text, (offset as usize).min(text.len()));
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        if offset >= self.scanned {
            let end = floor_char_boundary(text, (offset + Self::SCAN_AHEAD).min(text.len()));
            let scanned = self.scanned;
            self.starts.extend(
                text[scanned..end]
                    .match_indices('\n')
                    .map(|(at, _)| (scanned + at + 1) as u32),
            );
            // An offset at the very end of the text is covered once the text is scanned whole.
            self.scanned = if end == text.len() { usize::MAX } else { end };
        }
        let line = self.starts.partition_point(|&start| start as usize <= offset);
        let line_start = self.starts[line - 1] as usize;
        let column = text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Why a module file could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotFound,
    IsDirectory,
    NotUtf8,
    /// Any other failure, with the operating system's message.
    Other(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotFound => f.write_str("no such file"),
            LoadError::IsDirectory => f.write_str("it is a directory, not a source file"),
            LoadError::NotUtf8 => f.write_str("the file is not valid UTF-8"),
            LoadError::Other(message) => f.write_str(message),
        }
    }
}

/// Reads module files for the compiler. Implemented by the command line over the file system
/// and by tests over in-memory files.
pub trait SourceLoader {
    /// The text of the file at `path`.
    fn load(&mut self, path: &Path) -> Result<String, LoadError>;

    /// The text of the file at `path`, shared: a loader that keeps texts between checks (hot
    /// reload's) hands out the kept one instead of a copy.
    fn load_shared(&mut self, path: &Path) -> Result<Arc<String>, LoadError> {
        self.load(path).map(Arc::new)
    }
}

/// Tests' loader: module files by path, in memory (`"main.ln"` to its text).
#[cfg(test)]
pub(crate) struct InMemoryFiles<Text>(pub(crate) std::collections::HashMap<&'static str, Text>);

#[cfg(test)]
impl<Text: AsRef<str>> SourceLoader for InMemoryFiles<Text> {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        self.0
            .get(path.to_string_lossy().as_ref())
            .map(|text| text.as_ref().to_string())
            .ok_or(LoadError::NotFound)
    }
}

/// A loader over the real file system.
#[derive(Debug, Default)]
pub struct FileSystemLoader;

impl SourceLoader for FileSystemLoader {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        read_source_file(path)
    }
}

/// The largest source file `lang` reads: spans are 32-bit offsets, and a file that never ends
/// (`/dev/zero`, a pipe) must not be read until memory runs out.
pub const MAX_SOURCE_BYTES: u64 = 256 << 20;

/// Reads a source file: its text, or why it cannot be one (missing, a folder, not UTF-8,
/// larger than [`MAX_SOURCE_BYTES`], or the operating system's error).
pub fn read_source_file(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    if path.is_dir() {
        return Err(LoadError::IsDirectory);
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(LoadError::NotFound),
        Err(error) => return Err(LoadError::Other(error.to_string())),
    };
    let mut bytes = Vec::new();
    if let Err(error) = file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes) {
        return Err(LoadError::Other(error.to_string()));
    }
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(LoadError::Other(format!(
            "the file is larger than {} MiB, the most a source file may hold",
            MAX_SOURCE_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::{LineTable, SourceMap, SourceOrigin};

    /// A file that never ends is refused once it passes the limit, not read until memory
    /// runs out; an ordinary file, a folder and a missing file read as before.
    #[cfg(unix)]
    #[test]
    fn a_source_file_is_read_up_to_the_limit() {
        use super::{LoadError, read_source_file};
        let refused = read_source_file(std::path::Path::new("/dev/zero"));
        assert!(
            matches!(&refused, Err(LoadError::Other(message)) if message.contains("larger than 256 MiB")),
            "{refused:?}"
        );
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("main.ln");
        std::fs::write(&path, "fn main() {}\n").expect("written");
        assert_eq!(read_source_file(&path).expect("read"), "fn main() {}\n");
        assert!(matches!(read_source_file(folder.path()), Err(LoadError::IsDirectory)));
        assert!(matches!(
            read_source_file(&folder.path().join("missing.ln")),
            Err(LoadError::NotFound)
        ));
    }

    /// Asked in any order, the table gives what a full scan does, across scan chunks and
    /// multi-byte characters.
    #[test]
    fn line_table_agrees_with_a_full_scan_in_any_order() {
        let mut text = String::new();
        for line in 0..4000 {
            text.push_str(&format!("let é{line} = \"ü{line}\"\n"));
        }
        text.push_str("no newline at the end");
        let mut sources = SourceMap::default();
        let file = sources.add(SourceOrigin::Stdlib("t".into()), text.clone());
        let length = text.len() as u32;
        let offsets: Vec<u32> = (0..=length)
            .step_by(97)
            .chain([length, 0, length / 2, 1, length - 1])
            .chain((0..=length).rev().step_by(131))
            .collect();
        let mut table = LineTable::default();
        for offset in offsets {
            assert_eq!(
                table.line_col(&text, offset),
                sources.line_col(file, offset),
                "offset {offset}"
            );
        }
        let mut fresh = LineTable::default();
        assert_eq!(fresh.line_col(&text, length + 10), sources.line_col(file, length + 10));
    }
}
