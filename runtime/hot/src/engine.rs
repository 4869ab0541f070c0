//! Embedding: a host program loads a `lang` program, calls its functions from its own loop,
//! reads and writes its module variables, and applies hot reloads when it chooses
//! ([`Engine::poll_reload`]). The program's code is compiled by the JIT (and recompiled on
//! every save with `hmr`); calls run on the host's thread.
//!
//! ```no_run
//! use lang_runtime_hot::engine::{Engine, Reload};
//!
//! let mut engine = Engine::builder().hmr(true).load_path("game.ln").expect("the game loads");
//! let mut dt = 0.016;
//! loop {
//!     match engine.poll_reload() {
//!         Reload::Nothing => {}
//!         Reload::Reloaded(modules) => println!("reloaded {modules:?}"),
//!         Reload::Rejected(diagnostics) => eprint!("{diagnostics}"),
//!         Reload::Failed(report) => eprint!("{report}"),
//!     }
//!     match engine.call::<(f64,), i64>("update", (dt,)) {
//!         Ok(score) => println!("score {score}"),
//!         Err(error) => eprintln!("{error}"), // a runtime error in the script: keep going
//!     }
//!     let frames: i64 = engine.get("frames").unwrap_or(0);
//!     engine.set("frames", frames + 1).unwrap();
//!     # break;
//! }
//! ```
//!
//! Limits of this version: one engine per process; functions and variables of the main
//! module; arguments and results of type `int`, `float`, `bool` and `str`.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use lang_runtime_core::Context;
use lang_runtime_core::object::StrObject;

use crate::session;

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

/// A value of a script type, for hosts that only know types at run time (the C API).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

/// The types a [`Value`] can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Int,
    Float,
    Bool,
    Str,
}

impl ValueType {
    /// The type as `lang` writes it.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Int => "int",
            ValueType::Float => "float",
            ValueType::Bool => "bool",
            ValueType::Str => "str",
        }
    }

    fn value_of_word(self, word: u64) -> Value {
        match self {
            ValueType::Int => Value::Int(word as i64),
            ValueType::Float => Value::Float(f64::from_bits(word)),
            ValueType::Bool => Value::Bool(word as u8 != 0),
            ValueType::Str => Value::Str(<String as ScriptValue>::from_word(word)),
        }
    }
}

impl Value {
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::Bool(_) => ValueType::Bool,
            Value::Str(_) => ValueType::Str,
        }
    }

    fn to_word(&self, ctx: &mut Context) -> u64 {
        match self {
            Value::Int(value) => value.to_word(ctx),
            Value::Float(value) => value.to_word(ctx),
            Value::Bool(value) => value.to_word(ctx),
            Value::Str(value) => value.to_word(ctx),
        }
    }
}

/// A value that crosses between the host and the script.
pub trait ScriptValue: Sized {
    /// The type as `lang` writes it.
    const TYPE: &'static str;
    /// Passed in a float register (rather than an integer one).
    const FLOAT: bool = false;
    /// The word the script sees.
    fn to_word(&self, ctx: &mut Context) -> u64;
    /// From the word the script gave.
    fn from_word(word: u64) -> Self;
}

impl ScriptValue for i64 {
    const TYPE: &'static str = "int";
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        *self as u64
    }
    fn from_word(word: u64) -> Self {
        word as i64
    }
}

impl ScriptValue for f64 {
    const TYPE: &'static str = "float";
    const FLOAT: bool = true;
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        self.to_bits()
    }
    fn from_word(word: u64) -> Self {
        f64::from_bits(word)
    }
}

impl ScriptValue for bool {
    const TYPE: &'static str = "bool";
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        u64::from(*self)
    }
    fn from_word(word: u64) -> Self {
        word as u8 != 0
    }
}

impl ScriptValue for String {
    const TYPE: &'static str = "str";
    fn to_word(&self, ctx: &mut Context) -> u64 {
        lang_runtime_core::abi::string_from(ctx, self) as u64
    }
    fn from_word(word: u64) -> Self {
        if word == 0 {
            return String::new();
        }
        // SAFETY: the script gave a live string object.
        let bytes = unsafe { lang_runtime_core::object::str_bytes(word as *const StrObject) };
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The result type of a call: a [`ScriptValue`], or `()` for a function without a result.
pub trait ScriptResult: Sized {
    /// ` -> int`, or nothing.
    fn signature_suffix() -> String;
    #[doc(hidden)]
    fn kind() -> ResultKind;
    #[doc(hidden)]
    fn from_word(word: u64) -> Self;
}

#[doc(hidden)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    None,
    Word,
    Float,
}

impl ScriptResult for () {
    fn signature_suffix() -> String {
        String::new()
    }
    fn kind() -> ResultKind {
        ResultKind::None
    }
    fn from_word(_word: u64) -> Self {}
}

macro_rules! value_results {
    ($($ty:ty),*) => {$(
        impl ScriptResult for $ty {
            fn signature_suffix() -> String {
                format!(" -> {}", <$ty as ScriptValue>::TYPE)
            }
            fn kind() -> ResultKind {
                if <$ty as ScriptValue>::FLOAT { ResultKind::Float } else { ResultKind::Word }
            }
            fn from_word(word: u64) -> Self {
                <$ty as ScriptValue>::from_word(word)
            }
        }
    )*};
}
value_results!(i64, f64, bool, String);

/// The arguments of a call: a tuple of [`ScriptValue`]s.
pub trait ScriptArgs {
    fn types() -> Vec<&'static str>;
    #[doc(hidden)]
    fn words(&self, ctx: &mut Context) -> Vec<(u64, bool)>;
}

macro_rules! tuple_args {
    ($($name:ident : $index:tt),*) => {
        impl<$($name: ScriptValue),*> ScriptArgs for ($($name,)*) {
            fn types() -> Vec<&'static str> {
                vec![$($name::TYPE),*]
            }
            #[allow(unused_variables)]
            fn words(&self, ctx: &mut Context) -> Vec<(u64, bool)> {
                vec![$((self.$index.to_word(ctx), $name::FLOAT)),*]
            }
        }
    };
}
tuple_args!();
tuple_args!(A: 0);
tuple_args!(A: 0, B: 1);
tuple_args!(A: 0, B: 1, C: 2);
tuple_args!(A: 0, B: 1, C: 2, D: 3);
tuple_args!(A: 0, B: 1, C: 2, D: 3, E: 4);

/// A function of the host that scripts call as `host.NAME(...)`: its parameter types, its
/// result type, and the code. An `Err` becomes a runtime error in the script at the call.
pub type HostCallback = Box<dyn FnMut(&[Value]) -> Result<Option<Value>, String>>;

struct HostFunction {
    name: String,
    params: Vec<ValueType>,
    result: Option<ValueType>,
    callback: HostCallback,
}

impl HostFunction {
    fn signature(&self) -> String {
        let params: Vec<&str> = self.params.iter().map(|ty| ty.name()).collect();
        match self.result {
            Some(result) => format!("fn({}) -> {}", params.join(", "), result.name()),
            None => format!("fn({})", params.join(", ")),
        }
    }
}

thread_local! {
    /// The host functions of the engine on this thread, by index.
    static HOST_FUNCTIONS: std::cell::RefCell<Vec<HostFunction>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many host functions an engine may have.
pub const MAX_HOST_FUNCTIONS: usize = 16;

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
        HOST_FUNCTIONS.with(|functions| *functions.borrow_mut() = builder.functions);
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

/// Runs `work` with the context's stack bounds set for this thread: the collector scans from
/// here down, and deep recursion stops with a runtime error before the thread's stack ends.
#[inline(never)]
fn with_stack<T>(ctx: &mut Context, work: impl FnOnce(&mut Context) -> T) -> T {
    let marker = 0u64;
    let base = std::hint::black_box(&marker) as *const u64 as usize;
    let (saved_base, saved_limit) = (ctx.heap.stack_base, ctx.stack_limit);
    ctx.heap.stack_base = base + 64;
    ctx.stack_limit = stack_low_end().map_or(base.saturating_sub(1 << 20), |low| low + (256 << 10));
    let result = work(ctx);
    ctx.heap.stack_base = saved_base;
    ctx.stack_limit = saved_limit;
    result
}

/// The lowest address of the calling thread's stack.
fn stack_low_end() -> Option<usize> {
    // SAFETY: pthread_getattr_np fills the attribute object, which is destroyed after.
    unsafe {
        let mut attributes: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attributes) != 0 {
            return None;
        }
        let mut address: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let found = libc::pthread_attr_getstack(&attributes, &mut address, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attributes);
        found.then_some(address as usize)
    }
}

#[repr(C)]
struct WordAndStatus {
    word: u64,
    status: u64,
}

#[repr(C)]
struct FloatAndStatus {
    value: f64,
    status: u64,
}

/// Calls compiled code with the script ABI. Integer-class and float-class arguments travel in
/// separate register sequences, so passing every integer register and every float register
/// in order reaches the parameters whatever their interleaving; the callee ignores the rest.
#[inline(never)]
fn invoke(ctx: &mut Context, code: usize, ints: &[u64], floats: &[f64], kind: ResultKind) -> (u64, u8) {
    let int = |index: usize| ints.get(index).copied().unwrap_or(0);
    let float = |index: usize| floats.get(index).copied().unwrap_or(0.0);
    type Args = (u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64);
    let a: Args = (
        int(0),
        int(1),
        int(2),
        int(3),
        int(4),
        float(0),
        float(1),
        float(2),
        float(3),
        float(4),
        float(5),
        float(6),
        float(7),
    );
    let ctx: *mut Context = ctx;
    // SAFETY: `code` is compiled code of the signature the caller looked up; the extra
    // arguments land in registers the callee does not read.
    unsafe {
        match kind {
            ResultKind::None => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> u64 = std::mem::transmute(code);
                let status = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (0, status as u8)
            }
            ResultKind::Word => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> WordAndStatus = std::mem::transmute(code);
                let result = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (result.word, result.status as u8)
            }
            ResultKind::Float => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> FloatAndStatus = std::mem::transmute(code);
                let result = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (result.value.to_bits(), result.status as u8)
            }
        }
    }
}

/// The source of the module `host` that declares the host functions for the type checker.
/// The bodies are placeholders: their slots are pointed at the host's trampolines.
fn host_module_source(functions: &[HostFunction]) -> String {
    let mut source = String::from("// The functions of the host program (generated by the embedding engine).\n");
    for function in functions {
        let params: Vec<String> = function
            .params
            .iter()
            .enumerate()
            .map(|(index, ty)| format!("a{index}: {}", ty.name()))
            .collect();
        let (result, body) = match function.result {
            None => (String::new(), String::new()),
            Some(ValueType::Int) => (" -> int".into(), "    return 0\n".into()),
            Some(ValueType::Float) => (" -> float".into(), "    return 0.0\n".into()),
            Some(ValueType::Bool) => (" -> bool".into(), "    return false\n".into()),
            Some(ValueType::Str) => (" -> str".into(), "    return \"\"\n".into()),
        };
        source.push_str(&format!(
            "\npub fn {}({}){result} {{\n{body}}}\n",
            function.name,
            params.join(", ")
        ));
    }
    source
}

/// Points the slot of every host function at its trampoline (after every swap, which
/// patches them to the placeholders' code).
fn patch_host_functions() {
    HOST_FUNCTIONS.with(|functions| {
        let registry = session::registry();
        for (index, function) in functions.borrow().iter().enumerate() {
            let trampoline = match function.result {
                None => void_trampoline_address(index),
                Some(ValueType::Float) => float_trampoline_address(index),
                Some(_) => word_trampoline_address(index),
            };
            registry
                .slot("host", &function.name, &function.signature())
                .store(trampoline as u64, Ordering::SeqCst);
        }
    });
}

/// Calls host function `index` with the registers a script call passed; returns the result
/// word and the status (1 after recording a runtime error).
fn dispatch(ctx: *mut Context, index: usize, ints: [u64; 5], floats: [f64; 8]) -> (u64, u8) {
    // SAFETY: compiled code passes its live context.
    let ctx = unsafe { &mut *ctx };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        HOST_FUNCTIONS.with(|functions| {
            let mut functions = functions.borrow_mut();
            let function = functions.get_mut(index)?;
            let (mut next_int, mut next_float) = (0, 0);
            let args: Vec<Value> = function
                .params
                .iter()
                .map(|ty| match ty {
                    ValueType::Float => {
                        next_float += 1;
                        Value::Float(floats[next_float - 1])
                    }
                    other => {
                        next_int += 1;
                        other.value_of_word(ints[next_int - 1])
                    }
                })
                .collect();
            Some((function.callback)(&args))
        })
    }));
    match outcome {
        Ok(Some(Ok(Some(value)))) => (value.to_word(ctx), 0),
        Ok(Some(Ok(None))) => (0, 0),
        Ok(Some(Err(message))) => {
            ctx.fail(message);
            (0, 1)
        }
        Ok(None) => {
            ctx.fail("called a host function that does not exist");
            (0, 1)
        }
        Err(_) => {
            ctx.fail("a host function panicked");
            (0, 1)
        }
    }
}

extern "C" fn word_trampoline<const I: usize>(
    ctx: *mut Context,
    i0: u64,
    i1: u64,
    i2: u64,
    i3: u64,
    i4: u64,
    f0: f64,
    f1: f64,
    f2: f64,
    f3: f64,
    f4: f64,
    f5: f64,
    f6: f64,
    f7: f64,
) -> WordAndStatus {
    let (word, status) = dispatch(ctx, I, [i0, i1, i2, i3, i4], [f0, f1, f2, f3, f4, f5, f6, f7]);
    WordAndStatus {
        word,
        status: u64::from(status),
    }
}

extern "C" fn float_trampoline<const I: usize>(
    ctx: *mut Context,
    i0: u64,
    i1: u64,
    i2: u64,
    i3: u64,
    i4: u64,
    f0: f64,
    f1: f64,
    f2: f64,
    f3: f64,
    f4: f64,
    f5: f64,
    f6: f64,
    f7: f64,
) -> FloatAndStatus {
    let (word, status) = dispatch(ctx, I, [i0, i1, i2, i3, i4], [f0, f1, f2, f3, f4, f5, f6, f7]);
    FloatAndStatus {
        value: f64::from_bits(word),
        status: u64::from(status),
    }
}

extern "C" fn void_trampoline<const I: usize>(
    ctx: *mut Context,
    i0: u64,
    i1: u64,
    i2: u64,
    i3: u64,
    i4: u64,
    f0: f64,
    f1: f64,
    f2: f64,
    f3: f64,
    f4: f64,
    f5: f64,
    f6: f64,
    f7: f64,
) -> u64 {
    let (_, status) = dispatch(ctx, I, [i0, i1, i2, i3, i4], [f0, f1, f2, f3, f4, f5, f6, f7]);
    u64::from(status)
}

macro_rules! trampolines {
    ($name:ident, $function:ident) => {
        /// The address of trampoline `index` of this result kind.
        fn $name(index: usize) -> usize {
            let trampolines: [usize; MAX_HOST_FUNCTIONS] = [
                $function::<0> as *const () as usize,
                $function::<1> as *const () as usize,
                $function::<2> as *const () as usize,
                $function::<3> as *const () as usize,
                $function::<4> as *const () as usize,
                $function::<5> as *const () as usize,
                $function::<6> as *const () as usize,
                $function::<7> as *const () as usize,
                $function::<8> as *const () as usize,
                $function::<9> as *const () as usize,
                $function::<10> as *const () as usize,
                $function::<11> as *const () as usize,
                $function::<12> as *const () as usize,
                $function::<13> as *const () as usize,
                $function::<14> as *const () as usize,
                $function::<15> as *const () as usize,
            ];
            trampolines[index]
        }
    };
}

trampolines!(word_trampoline_address, word_trampoline);
trampolines!(float_trampoline_address, float_trampoline);
trampolines!(void_trampoline_address, void_trampoline);
