//! The engine: building one, loading and starting a program, calling its functions, reading
//! and writing its module variables, and applying reloads when the host polls.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use lang_runtime_core::Context;

use super::error::{Error, Reload};
use super::host::{HostFunction, MAX_HOST_FUNCTIONS, host_module_source, install_host_functions, patch_host_functions};
use super::invoke::{invoke, with_stack};
use super::values::{ResultKind, ScriptArgs, ScriptResult, ScriptValue, Value, ValueType};
use crate::session;

/// Configures an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    hmr: bool,
    args: Vec<String>,
    functions: Vec<HostFunction>,
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("hmr", &self.hmr)
            .finish_non_exhaustive()
    }
}

impl EngineBuilder {
    /// Watch the program's files and compile a new version on every save; the host applies
    /// it with [`Engine::poll_reload`]. Off by default.
    pub fn hmr(mut self, on: bool) -> Self {
        self.hmr = on;
        self
    }

    /// Registers a host function, which scripts call as `host.NAME(...)` after `import host`
    /// (the engine declares the module `host` for the type checker). At most
    /// [`MAX_HOST_FUNCTIONS`], with up to 5 `int`/`bool`/`str` and 8 `float` parameters.
    pub fn function(
        mut self,
        name: &str,
        params: &[ValueType],
        result: Option<ValueType>,
        callback: impl FnMut(&[Value]) -> Result<Option<Value>, String> + 'static,
    ) -> Self {
        self.functions.push(HostFunction {
            name: name.to_string(),
            params: params.to_vec(),
            result,
            callback: Box::new(callback),
        });
        self
    }

    /// What the script's `args()` returns.
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.args = args;
        self
    }

    /// Loads, checks and compiles the program whose main file is `path`, and initializes its
    /// module variables (its `main` is not called: the host calls what it wants).
    pub fn load_path(self, path: impl AsRef<Path>) -> Result<Engine, Error> {
        Engine::start(path.as_ref().to_path_buf(), self, None)
    }

    /// Like [`EngineBuilder::load_path`], for a program given as text: `files` holds
    /// `(file name, source)` pairs, the first being the main file (`("game.ln", "...")`).
    /// They are written to a private temporary folder (removed when the engine is dropped);
    /// with `hmr`, editing them there reloads them.
    pub fn load_sources(self, files: &[(&str, &str)]) -> Result<Engine, Error> {
        let Some((main, _)) = files.first() else {
            return Err(Error::Compile("error: no source files given\n".into()));
        };
        let folder = std::env::temp_dir().join(format!(
            "lang-engine-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos())
        ));
        let mut builder = std::fs::DirBuilder::new();
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&folder)
            .map_err(|error| Error::Compile(format!("error: cannot create a temporary folder: {error}\n")))?;
        for (name, source) in files {
            if name.contains('/') {
                return Err(Error::Compile(format!("error: `{name}` must be a plain file name\n")));
            }
            std::fs::write(folder.join(name), source)
                .map_err(|error| Error::Compile(format!("error: cannot write `{name}`: {error}\n")))?;
        }
        Engine::start(folder.join(main), self, Some(folder))
    }
}

/// A loaded program. Not `Send`: calls run on the thread that created it.
pub struct Engine {
    context: Box<Context>,
    /// A folder of sources given as text, removed on drop.
    temporary: Option<PathBuf>,
    _not_send: PhantomData<*const ()>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    fn start(root: PathBuf, builder: EngineBuilder, temporary: Option<PathBuf>) -> Result<Engine, Error> {
        let heap_limit = lang_runtime_core::context::heap_limit().map_err(Error::Unsupported)?;
        if builder.functions.len() > MAX_HOST_FUNCTIONS {
            return Err(Error::Unsupported(format!(
                "at most {MAX_HOST_FUNCTIONS} host functions"
            )));
        }
        for function in &builder.functions {
            let ints = function.params.iter().filter(|ty| **ty != ValueType::Float).count();
            let valid_name = !function.name.is_empty()
                && function.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !function.name.starts_with(|c: char| c.is_ascii_digit());
            if !valid_name || ints > 5 || function.params.len() - ints > 8 {
                return Err(Error::Unsupported(format!(
                    "host function `{}`: a name like `log` and at most 5 int, bool or str and 8 float parameters",
                    function.name
                )));
            }
        }
        if !builder.functions.is_empty() {
            crate::jit::add_virtual_module("host.ln", host_module_source(&builder.functions));
        }
        let mut context = Box::new(Context::new(builder.args, heap_limit));
        let hmr = builder.hmr;
        install_host_functions(builder.functions);
        // Initializers run now, on this thread: give them the stack as a call would.
        with_stack(&mut context, |ctx| {
            session::start_embedded(ctx, move |producer| crate::jit::embedded_producer(root, producer, hmr))
        })
        .map_err(|failure| match failure {
            session::StartFailure::Compile(text) => Error::Compile(text),
            session::StartFailure::Runtime(text) => Error::Runtime(text),
            session::StartFailure::AlreadyRunning(text) => Error::Unsupported(text),
        })?;
        patch_host_functions();
        Ok(Engine {
            context,
            temporary,
            _not_send: PhantomData,
        })
    }

    /// Calls the main module's function `name` with `args`; its type must be exactly
    /// `fn(ARGS) -> R`. A runtime error in the script comes back as [`Error::Runtime`], and
    /// the engine can go on being used.
    pub fn call<A: ScriptArgs, R: ScriptResult>(&mut self, name: &str, args: A) -> Result<R, Error> {
        let signature = format!("fn({}){}", A::types().join(", "), R::signature_suffix());
        let code = self.function_code(name, &signature)?;
        self.context.heap.pause += 1;
        let words = args.words(&mut self.context);
        self.context.heap.pause -= 1;
        let word = self.invoke_words(code, &words, R::kind())?;
        Ok(R::from_word(word))
    }

    /// [`Engine::call`] with types known only at run time: `result` is the function's result
    /// type (`None` for a function without one).
    pub fn call_values(
        &mut self,
        name: &str,
        args: &[Value],
        result: Option<ValueType>,
    ) -> Result<Option<Value>, Error> {
        let types: Vec<&str> = args.iter().map(|value| value.value_type().name()).collect();
        let suffix = result.map_or_else(String::new, |ty| format!(" -> {}", ty.name()));
        let signature = format!("fn({}){suffix}", types.join(", "));
        let code = self.function_code(name, &signature)?;
        self.context.heap.pause += 1;
        let words: Vec<(u64, bool)> = args
            .iter()
            .map(|value| (value.to_word(&mut self.context), matches!(value, Value::Float(_))))
            .collect();
        self.context.heap.pause -= 1;
        let kind = match result {
            None => ResultKind::None,
            Some(ValueType::Float) => ResultKind::Float,
            Some(_) => ResultKind::Word,
        };
        let word = self.invoke_words(code, &words, kind)?;
        Ok(result.map(|ty| ty.value_of_word(word)))
    }

    /// The value of the main module's variable `name` of type `ty`.
    pub fn get_value(&self, name: &str, ty: ValueType) -> Result<Value, Error> {
        let cell = self.variable_cell(name, ty.name())?;
        Ok(ty.value_of_word(cell[0].load(Ordering::SeqCst)))
    }

    /// Sets the main module's variable `name` (of the value's type).
    pub fn set_value(&mut self, name: &str, value: &Value) -> Result<(), Error> {
        let cell = self.variable_cell(name, value.value_type().name())?;
        self.context.heap.pause += 1;
        let word = value.to_word(&mut self.context);
        cell[0].store(word, Ordering::SeqCst);
        self.context.heap.pause -= 1;
        Ok(())
    }

    fn function_code(&self, name: &str, signature: &str) -> Result<usize, Error> {
        let module = session::main_module();
        let registry = session::registry();
        let code = registry
            .existing_slot(&module, name, signature)
            .map(|slot| slot.load(Ordering::SeqCst) as usize)
            .filter(|&code| !crate::registry::is_stub(code));
        code.ok_or_else(|| Error::NoSuchFunction {
            name: name.to_string(),
            signature: signature.to_string(),
            found: registry.slot_signatures(&module, name),
        })
    }

    fn invoke_words(&mut self, code: usize, words: &[(u64, bool)], kind: ResultKind) -> Result<u64, Error> {
        let ints: Vec<u64> = words
            .iter()
            .filter(|(_, float)| !float)
            .map(|(word, _)| *word)
            .collect();
        let floats: Vec<f64> = words
            .iter()
            .filter(|(_, float)| *float)
            .map(|(word, _)| f64::from_bits(*word))
            .collect();
        if ints.len() > 5 || floats.len() > 8 {
            return Err(Error::Unsupported(
                "at most 5 int, bool or str arguments and 8 float arguments".into(),
            ));
        }
        let (word, status) = with_stack(&mut self.context, |ctx| invoke(ctx, code, &ints, &floats, kind));
        if status != 0 {
            return Err(Error::Runtime(self.take_error()));
        }
        Ok(word)
    }

    /// The value of the main module's variable `name` of type `T`.
    pub fn get<T: ScriptValue>(&self, name: &str) -> Result<T, Error> {
        let cell = self.variable_cell(name, T::TYPE)?;
        Ok(T::from_word(cell[0].load(Ordering::SeqCst)))
    }

    /// Sets the main module's variable `name` (of type `T`) to `value`.
    pub fn set<T: ScriptValue>(&mut self, name: &str, value: T) -> Result<(), Error> {
        let cell = self.variable_cell(name, T::TYPE)?;
        self.context.heap.pause += 1;
        let word = value.to_word(&mut self.context);
        cell[0].store(word, Ordering::SeqCst);
        self.context.heap.pause -= 1;
        Ok(())
    }

    fn variable_cell(&self, name: &str, ty: &str) -> Result<&'static [std::sync::atomic::AtomicU64; 2], Error> {
        let module = session::main_module();
        let registry = session::registry();
        registry
            .existing_cell(&module, name, ty)
            .filter(|cell| cell[1].load(Ordering::SeqCst) == 1)
            .ok_or_else(|| Error::NoSuchVariable {
                name: name.to_string(),
                ty: ty.to_string(),
                found: registry.cell_types(&module, name),
            })
    }

    /// Applies the newest version compiled since the last poll (with `hmr`), at this point
    /// of the host's loop, keeping every variable and heap object (LANGUAGE.md section 7).
    pub fn poll_reload(&mut self) -> Reload {
        let outcome = with_stack(&mut self.context, session::poll_embedded);
        if outcome.is_some() {
            patch_host_functions();
        }
        let messages = session::take_messages().concat();
        match outcome {
            None if messages.is_empty() => Reload::Nothing,
            None => Reload::Rejected(messages),
            Some(outcome) if outcome.error_reported || outcome.abandoned => Reload::Failed(messages),
            Some(outcome) => Reload::Reloaded(
                outcome
                    .reloaded
                    .into_iter()
                    .map(|(module, version)| format!("{module} v{version}"))
                    .collect(),
            ),
        }
    }

    fn take_error(&mut self) -> String {
        let report = match self.context.error.take() {
            // SAFETY: every module version that a frame could name is still loaded.
            Some(error) => unsafe { error.report() },
            None => "error: the script stopped\n".to_string(),
        };
        self.context.error_flag = 0;
        report
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(folder) = &self.temporary {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}
