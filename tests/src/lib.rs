//! Shared helpers of the end-to-end tests: loading a case (a `.ln` file or a folder) and
//! checking it through the compiler as the command line would.

use std::path::{Path, PathBuf};

use lang_compiler::{LoadError, SourceLoader, diagnostics};

/// The folder holding every case, grouped by stage.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Reads files relative to one folder, so that diagnostics show short, machine-independent
/// paths like `main.ln` exactly as a user running `lang check main.ln` in that folder sees.
pub struct FolderLoader {
    pub root: PathBuf,
}

impl SourceLoader for FolderLoader {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        lang_compiler::FileSystemLoader.load(&self.root.join(path))
    }
}

/// One case: its folder, its entry file (relative to the folder) and every source file
/// that belongs to it.
pub struct Case {
    pub folder: PathBuf,
    pub entry: PathBuf,
    pub files: Vec<PathBuf>,
}

impl Case {
    pub fn load(stage: &str, name: &str) -> Case {
        let path = cases_dir().join(stage).join(name);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .expect("case folder is readable")
                .filter_map(Result::ok)
                .filter(|entry| entry.path().is_file())
                .map(|entry| PathBuf::from(entry.file_name()))
                .filter(|file| file.extension().is_some_and(|extension| extension == "ln"))
                .collect();
            files.sort();
            Case {
                folder: path,
                entry: PathBuf::from("main.ln"),
                files,
            }
        } else {
            let file = PathBuf::from(name);
            Case {
                folder: path.parent().expect("a case has a folder").to_path_buf(),
                entry: file.clone(),
                files: vec![file],
            }
        }
    }
}

/// The outcome of checking a case.
pub struct Checked {
    pub rendered: String,
    pub codes: Vec<&'static str>,
    pub has_errors: bool,
}

/// Checks a case with the compiler, rendering diagnostics without colour.
pub fn check_case(case: &Case) -> Checked {
    let mut loader = FolderLoader {
        root: case.folder.clone(),
    };
    match lang_compiler::check_program(&case.entry, &mut loader) {
        Ok(checked) => Checked {
            rendered: diagnostics::render(&checked.diagnostics, &checked.sources, false),
            codes: checked
                .diagnostics
                .iter()
                .map(|diagnostic| diagnostic.code.as_str())
                .collect(),
            has_errors: checked.has_errors(),
        },
        Err(error) => Checked {
            rendered: format!("error: {error}\n"),
            codes: Vec::new(),
            has_errors: true,
        },
    }
}
