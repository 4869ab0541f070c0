//! What the engine answers: the errors of loading and calling, and what a reload poll did.

/// What can go wrong when loading or calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The program did not compile (the rendered diagnostics), or could not be read.
    Compile(String),
    /// No function of that name and signature in the main module (the signatures that do
    /// exist under that name, if any).
    NoSuchFunction {
        name: String,
        signature: String,
        found: Vec<String>,
    },
    /// No module variable of that name and type (the types that do exist under that name).
    NoSuchVariable {
        name: String,
        ty: String,
        found: Vec<String>,
    },
    /// A runtime error in the script: the report, as `lang run` prints it.
    Runtime(String),
    /// Something this version of the API cannot do (too many arguments, two engines).
    Unsupported(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Compile(text) | Error::Runtime(text) => f.write_str(text.trim_end()),
            Error::NoSuchFunction { name, signature, found } => {
                write!(f, "no function `{name}` of type `{signature}` in the main module")?;
                if !found.is_empty() {
                    write!(f, " (there is `{name}` of type `{}`)", found.join("`, `"))?;
                }
                Ok(())
            }
            Error::NoSuchVariable { name, ty, found } => {
                write!(f, "no module variable `{name}` of type `{ty}` in the main module")?;
                if !found.is_empty() {
                    write!(f, " (there is `{name}` of type `{}`)", found.join("`, `"))?;
                }
                Ok(())
            }
            Error::Unsupported(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

/// What [`Engine::poll_reload`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// No new version since the last poll.
    Nothing,
    /// A new version runs now: the modules swapped in, with their versions (`main.ln v2`).
    Reloaded(Vec<String>),
    /// A save did not compile; the previous version keeps running. The diagnostics.
    Rejected(String),
    /// The new version's initialization failed (a variable initializer, `on_reload` or a
    /// struct field default raised an error): the report. What ran before the error stays.
    Failed(String),
}
