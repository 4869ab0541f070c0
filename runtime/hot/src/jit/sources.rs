//! Where the JIT producer reads the program from: the file system, plus the modules an
//! embedding host keeps only in memory; and which module files were looked for and missing.

use std::path::{Path, PathBuf};

use lang_compiler::FileSystemLoader;

/// Modules that exist only in memory, served to the checker as files next to the main file
/// (an embedding host's `host` module): file name and source. They are never watched.
static VIRTUAL_MODULES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Adds an in-memory module (see `VIRTUAL_MODULES`).
pub fn add_virtual_module(file_name: &str, source: String) {
    VIRTUAL_MODULES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push((file_name.to_string(), source));
}

/// The source of the in-memory module at `path`, if it is one.
pub(super) fn virtual_module(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    VIRTUAL_MODULES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .find(|(file, _)| file == name)
        .map(|(_, source)| source.clone())
}

/// The file system, plus the virtual modules.
/// Reads the program's files, and notes the module files it looked for and did not find (an
/// import of a file not written yet, or a stdlib module that a file next to the importer
/// would replace): creating one of them changes the program, so it is watched too.
#[derive(Default)]
pub(super) struct Loader {
    pub(super) missing: Vec<PathBuf>,
}

impl lang_compiler::SourceLoader for Loader {
    fn load(&mut self, path: &Path) -> Result<String, lang_compiler::LoadError> {
        self.load_shared(path).map(|text| String::clone(&text))
    }

    /// The kept text of a file that did not change, not a copy of it (`stamps::load_text`).
    fn load_shared(&mut self, path: &Path) -> Result<std::sync::Arc<String>, lang_compiler::LoadError> {
        if let Some(source) = virtual_module(path) {
            return Ok(std::sync::Arc::new(source));
        }
        let result = super::stamps::load_text(path, || FileSystemLoader.load(path));
        if matches!(result, Err(lang_compiler::LoadError::NotFound)) {
            self.missing.push(path.to_path_buf());
        }
        result
    }
}
