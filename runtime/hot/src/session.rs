//! A hot-reload session: the script thread that runs `main`, the compiler thread that builds
//! new versions, and the swap between them at safe points (LANGUAGE.md section 7).
//!
//! The compiler thread never touches running code: it publishes a `Ready` version and sets
//! the context's interrupt flag. Compiled code polls that flag at function entries and loop
//! back-edges; the poll calls `lang_hot_poll`, which applies the swap on the main thread, in
//! the order of section 7 item 5.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use lang_runtime_core::Context;
use lang_runtime_core::context::flush_output;

use crate::code::{CodeModule, Ready};
use crate::registry::{Registry, stub_for};

/// What the script thread shares with the compiler and Ctrl-C threads.
pub struct Session {
    pub registry: Registry,
    ready: Mutex<Option<Ready>>,
    ready_changed: Condvar,
    /// The script thread's context, once it exists.
    context: AtomicUsize,
    /// Ctrl-C asked running code to stop at its next safe point.
    interrupt_requested: AtomicBool,
    last_interrupt: Mutex<Option<Instant>>,
    /// The last version could not be swapped in (a struct default failed).
    apply_failed: AtomicBool,
    /// Set by the compiler thread's first successful compile (or its failure).
    started: Mutex<Option<Result<(), String>>>,
    started_changed: Condvar,
    /// Driven by an embedding host (see `engine.rs`): new versions wait for the host's
    /// `poll_reload` instead of interrupting running code, and messages are collected for
    /// the host instead of printed.
    embedded: bool,
    /// Embedded: messages (reload lines, error reports, rejected reloads) not yet taken.
    messages: Mutex<Vec<String>>,
}

/// Prints a message of the session on stderr, or keeps it for the embedding host.
pub(crate) fn say(text: String) {
    match SESSION.get() {
        Some(session) if session.embedded => lock(&session.messages).push(text),
        _ => {
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }
}

static SESSION: OnceLock<Session> = OnceLock::new();

fn session() -> &'static Session {
    SESSION.get().expect("a hot-reload session is running")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The version of one module that is running: its functions (their code may live in
/// several compiled versions, since a reload compiles only what changed) and variables.
struct Loaded {
    version: u32,
    functions: Vec<(String, String)>,
    variables: Vec<lang_abi::VariableRecord<usize>>,
}

/// Main-thread state: what runs, and the compiled code it may still use.
struct MainState {
    loaded: HashMap<String, Loaded>,
    code: Vec<CodeModule>,
    main_module: String,
}

thread_local! {
    static MAIN: std::cell::RefCell<Option<MainState>> = const { std::cell::RefCell::new(None) };
    /// Why the stack is unwinding without a new error: `main` changed, or an error was
    /// already reported during a swap.
    static UNWIND: std::cell::Cell<Unwind> = const { std::cell::Cell::new(Unwind::None) };
    /// `main` changed in a swap, and the running `main` has not reached a statement
    /// boundary since: there it unwinds and the new `main` is entered.
    static RESTART_MAIN_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// A swap is being applied: its initializers or `on_reload` are running, and a safe point
    /// they reach must not start another swap inside this one.
    static APPLYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unwind {
    None,
    RestartMain,
    AlreadyReported,
}

fn interrupt_flag(ctx: *mut Context) -> &'static AtomicU64 {
    // SAFETY: the flag is a plain u64 in the context, which lives until the process exits;
    // other threads only ever store to it atomically.
    unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*ctx).interrupt_flag)) }
}

/// Prints a runtime error in HMR mode and clears it, so the program can go on later.
fn report_and_clear(ctx: &mut Context) {
    flush_output();
    // A game in raw mode must not swallow the report, nor leave the shell unusable.
    lang_runtime_core::system::restore_terminal();
    if let Some(error) = ctx.error.take() {
        // SAFETY: every module version that a frame could name is still loaded.
        let report = unsafe { error.report() };
        say(report);
    }
    ctx.error_flag = 0;
}

fn clear_error(ctx: &mut Context) {
    ctx.error = None;
    ctx.error_flag = 0;
}

/// Runs a program with hot reload: `producer` runs on its own thread, hands over the first
/// version with [`Producer::start`] and new versions with [`Producer::publish`]; the script
/// thread runs `main` and swaps each version in at a safe point. Returns the exit code (the
/// process usually exits itself).
pub fn run(args: Vec<String>, producer: impl FnOnce(Producer) + Send + 'static) -> i32 {
    let heap_limit = match lang_runtime_core::context::heap_limit() {
        Ok(limit) => limit,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let _ = SESSION.set(new_session(false));
    lang_runtime_core::context::set_line_buffered(true);
    let _ = lang_runtime_core::signals::INTERRUPT_HOOK.set(Box::new(on_interrupt));
    lang_runtime_core::signals::install_interrupt_handler();
    // The first version must exist; without one, exit 1.
    if let Err(text) = start_producer(producer) {
        eprint!("{text}");
        return 1;
    }
    let thread = std::thread::Builder::new()
        .name("lang-script".into())
        .stack_size(lang_runtime_core::context::SCRIPT_STACK_SIZE)
        .spawn(move || script_thread(args, heap_limit));
    match thread.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            flush_output();
            eprintln!("error: internal runtime error: the script thread failed");
            lang_runtime_core::RUNTIME_ERROR_EXIT_CODE
        }
    }
}

fn new_session(embedded: bool) -> Session {
    Session {
        registry: Registry::default(),
        ready: Mutex::new(None),
        ready_changed: Condvar::new(),
        context: AtomicUsize::new(0),
        interrupt_requested: AtomicBool::new(false),
        apply_failed: AtomicBool::new(false),
        last_interrupt: Mutex::new(None),
        started: Mutex::new(None),
        started_changed: Condvar::new(),
        embedded,
        messages: Mutex::new(Vec::new()),
    }
}

/// Starts the producer thread and waits for the first version (or the text saying why
/// there is none).
fn start_producer(producer: impl FnOnce(Producer) + Send + 'static) -> Result<(), String> {
    std::thread::Builder::new()
        .name("lang-hmr-producer".into())
        .stack_size(1 << 30)
        .spawn(move || {
            // A bug in the producer must not leave the main thread waiting forever.
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| producer(Producer { _private: () })));
            if outcome.is_err() {
                flush_output();
                eprintln!("error: internal error in the hot-reload machinery; this is a bug in lang, please report it");
                std::process::exit(lang_runtime_core::RUNTIME_ERROR_EXIT_CODE);
            }
        })
        .map_err(|error| format!("error: cannot start the hot-reload thread: {error}\n"))?;
    let mut started = lock(&session().started);
    while started.is_none() {
        started = session()
            .started_changed
            .wait(started)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    match started.as_ref() {
        Some(Err(text)) => Err(text.clone()),
        _ => Ok(()),
    }
}

/// Starts a session driven by an embedding host on the calling thread (see `engine.rs`):
/// the first version is compiled and loaded into `ctx`, whose owner calls `poll_embedded`
/// to apply later versions. Only one session can exist in a process.
pub(crate) fn start_embedded(
    ctx: &mut Context,
    producer: impl FnOnce(Producer) + Send + 'static,
) -> Result<(), StartFailure> {
    if SESSION.set(new_session(true)).is_err() {
        return Err(StartFailure::AlreadyRunning(
            "a lang engine already exists in this process; only one can".into(),
        ));
    }
    start_producer(producer).map_err(StartFailure::Compile)?;
    session().context.store(ctx as *mut Context as usize, Ordering::SeqCst);
    MAIN.with(|main| {
        *main.borrow_mut() = Some(MainState {
            loaded: HashMap::new(),
            code: Vec::new(),
            main_module: String::new(),
        })
    });
    let first = lock(&session().ready).take();
    session().ready_changed.notify_all();
    if let Some(ready) = first {
        let outcome = apply(ctx, ready, true);
        if outcome.error_reported {
            return Err(StartFailure::Runtime(take_messages().concat()));
        }
    }
    Ok(())
}

/// Why an embedded session did not start.
pub(crate) enum StartFailure {
    Compile(String),
    Runtime(String),
    AlreadyRunning(String),
}

/// The registry of the running session.
pub(crate) fn registry() -> &'static Registry {
    &session().registry
}

/// Embedded: applies the version compiled since the last call, if any. Returns what was
/// swapped in (module display names and versions) and whether a runtime error stopped it.
pub(crate) fn poll_embedded(ctx: &mut Context) -> Option<Outcome> {
    let ready = lock(&session().ready).take()?;
    session().ready_changed.notify_all();
    Some(apply(ctx, ready, false))
}

/// Embedded: the messages the session kept since the last call.
pub(crate) fn take_messages() -> Vec<String> {
    match SESSION.get() {
        Some(session) => std::mem::take(&mut *lock(&session.messages)),
        None => Vec::new(),
    }
}

/// Embedded: the main module's name.
pub(crate) fn main_module() -> String {
    MAIN.with(|main| {
        main.borrow()
            .as_ref()
            .map(|state| state.main_module.clone())
            .unwrap_or_default()
    })
}

/// The side of a session that produces versions of the program: the JIT's compiler thread,
/// or the loader of shared libraries.
pub struct Producer {
    _private: (),
}

impl Producer {
    /// The slots and cells new code must use.
    pub fn registry(&self) -> &'static Registry {
        &session().registry
    }

    /// Hands over the first version, which starts the program; an error text instead makes
    /// `run` print it and return 1.
    pub fn start(&self, first: Result<Ready, String>) {
        let session = session();
        match first {
            Ok(ready) => {
                *lock(&session.ready) = Some(ready);
                *lock(&session.started) = Some(Ok(()));
            }
            Err(text) => *lock(&session.started) = Some(Err(text)),
        }
        session.started_changed.notify_all();
    }

    /// Waits until the script thread took the version handed over last: each version is
    /// built against the one that runs.
    pub fn wait_until_taken(&self) {
        let session = session();
        let mut ready = lock(&session.ready);
        while ready.is_some() {
            ready = session
                .ready_changed
                .wait(ready)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Whether the version handed over last could not be swapped in (a struct default
    /// failed); clears the mark.
    pub fn take_apply_failed(&self) -> bool {
        session().apply_failed.swap(false, Ordering::SeqCst)
    }

    /// Hands over a new version and has running code stop at its next safe point to swap it
    /// in. Memory a struct migration will need is prepared here first, off the script thread.
    pub fn publish(&self, mut ready: Ready) {
        let session = session();
        ready.migration_scratch = prepare_migration_memory(&ready, &session.registry);
        *lock(&session.ready) = Some(ready);
        session.ready_changed.notify_all();
        // An embedding host applies new versions when it polls, not in the middle of a call.
        let ctx = session.context.load(Ordering::SeqCst);
        if ctx != 0 && !session.embedded {
            interrupt_flag(ctx as *mut Context).store(1, Ordering::SeqCst);
        }
    }

    /// A new version was refused (compile errors, or something a reload cannot do): the
    /// rendered explanation, printed or kept for the embedding host.
    pub fn reject(&self, text: String) {
        say(text);
    }
}

fn on_interrupt() -> bool {
    let session = session();
    let now = Instant::now();
    let mut last = lock(&session.last_interrupt);
    if last.is_some_and(|last| now.duration_since(last) < Duration::from_secs(1)) {
        return false;
    }
    *last = Some(now);
    session.interrupt_requested.store(true, Ordering::SeqCst);
    lang_runtime_core::signals::INTERRUPT_PENDING.store(true, Ordering::SeqCst);
    let ctx = session.context.load(Ordering::SeqCst);
    if ctx == 0 {
        // Still compiling: there is no state to keep, so Ctrl-C just quits.
        return false;
    }
    interrupt_flag(ctx as *mut Context).store(1, Ordering::SeqCst);
    true
}

fn script_thread(args: Vec<String>, heap_limit: usize) -> i32 {
    let mut context = Box::new(Context::new(args, heap_limit));
    let base = std::hint::black_box(&context) as *const _ as usize;
    context.heap.stack_base = base + 64;
    // Compiled code has no entry point here: the budget counts from this frame.
    context.stack_limit = base.saturating_sub(lang_runtime_core::context::SCRIPT_STACK_SIZE) + (4 << 20);
    let ctx: *mut Context = &mut *context;
    session().context.store(ctx as usize, Ordering::SeqCst);
    MAIN.with(|main| {
        *main.borrow_mut() = Some(MainState {
            loaded: HashMap::new(),
            code: Vec::new(),
            main_module: String::new(),
        })
    });
    // The first version is ready: load it like a reload without an old version.
    let mut waiting = false;
    if let Some(ready) = lock(&session().ready).take() {
        session().ready_changed.notify_all();
        // SAFETY: `ctx` is this thread's live context.
        let outcome = apply(unsafe { &mut *ctx }, ready, true);
        waiting = outcome.error_reported;
    }
    loop {
        if waiting {
            wait_for_reload(ctx);
        }
        let main_module = MAIN.with(|main| main.borrow().as_ref().map(|state| state.main_module.clone()));
        let slot = session()
            .registry
            .slot(&main_module.unwrap_or_default(), "main", "fn()");
        let code = slot.load(Ordering::SeqCst) as usize;
        // SAFETY: the slot holds compiled code (or the stub) with the script ABI of `fn()`.
        let entry: extern "C" fn(*mut Context) -> u8 = unsafe { std::mem::transmute(code) };
        UNWIND.with(|unwind| unwind.set(Unwind::None));
        RESTART_MAIN_PENDING.with(|pending| pending.set(false));
        let status = entry(ctx);
        // SAFETY: as above.
        let context = unsafe { &mut *ctx };
        if status == 0 {
            flush_output();
            lang_runtime_core::system::restore_terminal();
            return 0;
        }
        match UNWIND.with(|unwind| unwind.get()) {
            Unwind::RestartMain => {
                clear_error(context);
                waiting = false;
            }
            Unwind::AlreadyReported => {
                clear_error(context);
                waiting = true;
            }
            Unwind::None => {
                report_and_clear(context);
                waiting = true;
            }
        }
    }
}

/// Blocks until a new version is ready, then applies it.
fn wait_for_reload(ctx: *mut Context) {
    loop {
        let ready = {
            let mut ready = lock(&session().ready);
            while ready.is_none() {
                ready = session()
                    .ready_changed
                    .wait(ready)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            let taken = ready.take();
            session().ready_changed.notify_all();
            taken
        };
        session().interrupt_requested.store(false, Ordering::SeqCst);
        lang_runtime_core::signals::INTERRUPT_PENDING.store(false, Ordering::SeqCst);
        interrupt_flag(ctx).store(0, Ordering::SeqCst);
        if let Some(ready) = ready {
            // SAFETY: `ctx` is this thread's live context.
            let outcome = apply(unsafe { &mut *ctx }, ready, false);
            // Only a successful reload ends the wait (an abandoned one swapped nothing).
            if !outcome.error_reported && !outcome.abandoned {
                return;
            }
        }
    }
}

/// The safe point compiled code calls when the interrupt flag is set: 0 go on, 1 unwind,
/// 2 swapped.
#[unsafe(no_mangle)]
pub extern "C" fn lang_hot_poll(ctx: *mut Context) -> u8 {
    let session = session();
    interrupt_flag(ctx).store(0, Ordering::SeqCst);
    // SAFETY: compiled code passes its live context.
    let context = unsafe { &mut *ctx };
    let at_main_statement = context.poll_answer == lang_runtime_core::context::POLL_AT_MAIN_STATEMENT;
    if session.interrupt_requested.swap(false, Ordering::SeqCst) {
        lang_runtime_core::signals::INTERRUPT_PENDING.store(false, Ordering::SeqCst);
        RESTART_MAIN_PENDING.with(|pending| pending.set(false));
        context.fail("interrupted (Ctrl-C); waiting for a change to a source file, Ctrl-C again to quit");
        return 1;
    }
    if APPLYING.with(|applying| applying.get()) {
        // Inside a swap (a long `on_reload` or initializer): a newer version waits until it
        // is done, at the next safe point after it.
        interrupt_flag(ctx).store(1, Ordering::SeqCst);
        return 0;
    }
    let ready = lock(&session.ready).take();
    session.ready_changed.notify_all();
    let mut answer = 0;
    if let Some(ready) = ready {
        let outcome = apply(context, ready, false);
        if outcome.error_reported {
            RESTART_MAIN_PENDING.with(|pending| pending.set(false));
            UNWIND.with(|unwind| unwind.set(Unwind::AlreadyReported));
            return 1;
        }
        if !outcome.abandoned {
            answer = 2;
        }
        if outcome.main_changed {
            RESTART_MAIN_PENDING.with(|pending| pending.set(true));
        }
    }
    if RESTART_MAIN_PENDING.with(|pending| pending.get()) {
        if at_main_statement {
            // A statement boundary of `main`: unwind, and enter the new `main`.
            RESTART_MAIN_PENDING.with(|pending| pending.set(false));
            UNWIND.with(|unwind| unwind.set(Unwind::RestartMain));
            return 1;
        }
        // Elsewhere the running statement of `main` finishes first; poll again at every
        // safe point until `main` reaches the end of it.
        interrupt_flag(ctx).store(1, Ordering::SeqCst);
    }
    answer
}

pub(crate) struct Outcome {
    pub(crate) main_changed: bool,
    pub(crate) error_reported: bool,
    /// A struct default raised an error: the error was reported, nothing was swapped, and
    /// the previous version goes on running (LANGUAGE.md section 7 item 4).
    pub(crate) abandoned: bool,
    /// Each module swapped in: display name and version (empty at the first start).
    pub(crate) reloaded: Vec<(String, u32)>,
}

/// Swaps a new version in (LANGUAGE.md section 7 item 5): patch the slots, initialize new,
/// retyped and edited-`let` variables in source order, drop removed ones, run `on_reload`.
pub(crate) fn apply(ctx: &mut Context, ready: Ready, first: bool) -> Outcome {
    APPLYING.with(|applying| applying.set(true));
    let outcome = apply_version(ctx, ready, first);
    APPLYING.with(|applying| applying.set(false));
    outcome
}

fn apply_version(ctx: &mut Context, mut ready: Ready, first: bool) -> Outcome {
    let registry = &session().registry;
    let mut reloaded = Vec::new();
    let mut error_reported = false;
    let mut aborted = false;
    let main_changed = ready.main_changed;
    MAIN.with(|main| {
        let mut main = main.borrow_mut();
        let Some(state) = main.as_mut() else { return };
        state.main_module = ready.main_module.clone();
        let call = |ctx: &mut Context, address: usize| -> bool {
            // SAFETY: compiled setup and initializer functions take the context and return
            // a status.
            let function: extern "C" fn(*mut Context) -> u8 = unsafe { std::mem::transmute(address) };
            function(ctx) == 0
        };
        // Literals and struct descriptors of the new code, and the collector's new roots.
        for module in &ready.modules {
            call(ctx, module.hot.setup);
        }
        for cell in registry.take_new_cells() {
            ctx.heap.add_root_block(cell, 2);
        }
        // 1. Patch the slots (LANGUAGE.md section 7 item 5: the code first), remembering what
        // they held: if a migration is abandoned below, they are put back.
        let mut patched: Vec<(&AtomicU64, u64)> = Vec::new();
        let mut patch = |slot: &'static AtomicU64, value: u64| {
            patched.push((slot, slot.swap(value, Ordering::SeqCst)));
        };
        for module in &ready.modules {
            for (slot, address) in &module.hot.slot_patches {
                // SAFETY: slot addresses come from the registry and live forever.
                patch(unsafe { &*(*slot as *const AtomicU64) }, *address as u64);
            }
            for lang_abi::FunctionRecord { name, signature, address } in &module.hot.functions {
                patch(registry.slot(&module.name, name, signature), *address as u64);
            }
            if let Some(old) = state.loaded.get(&module.name) {
                for (name, signature) in &old.functions {
                    let kept = module
                        .all_functions
                        .iter()
                        .any(|(new_name, new_signature)| new_name == name && new_signature == signature);
                    if !kept {
                        patch(registry.slot(&module.name, name, signature), stub_for(signature) as u64);
                    }
                }
            }
        }
        // 2. Migrate the instances of structs whose fields changed: every new payload is
        // built (and every default evaluated, with the new code) first; only if all succeed
        // is any instance changed. Otherwise the slots are restored and nothing was swapped.
        let pause_started = Instant::now();
        let mut migrated = 0usize;
        if !first && !migrate_structs(ctx, &mut ready, registry, &mut migrated) {
            for (slot, value) in patched.into_iter().rev() {
                slot.store(value, Ordering::SeqCst);
            }
            report_and_clear(ctx);
            aborted = true;
            return;
        }
        update_struct_defaults(&ready, registry);
        // 3. Variables, module by module in initialization order, each in source order. The
        // first error stops initialization, as it stops a program without `--hmr`; the
        // variables left uninitialized are initialized by the next reload.
        for name in &ready.order {
            if error_reported {
                break;
            }
            let Some(module) = ready.modules.iter().find(|module| &module.name == name) else {
                continue;
            };
            let old = state.loaded.get(name);
            for lang_abi::VariableRecord {
                name: variable,
                ty,
                is_let,
                token_hash: hash,
                initializer,
            } in &module.hot.variables
            {
                let cell = registry.cell(name, variable, ty);
                let previous = old.and_then(|old| {
                    old.variables
                        .iter()
                        .find(|old| &old.name == variable && &old.ty == ty)
                });
                let retyped = previous.is_none()
                    && old.is_some_and(|old| old.variables.iter().any(|old| &old.name == variable));
                let initialized = cell[1].load(Ordering::SeqCst) == 1;
                let edited_let = *is_let && previous.is_some_and(|old| old.token_hash != *hash);
                if initialized && !edited_let {
                    continue;
                }
                if retyped {
                    say(format!(
                        "[hmr] warning: `{variable}` in {} changed its type to `{ty}`; it was initialized again\n",
                        module.display_name
                    ));
                }
                if !call(ctx, *initializer) {
                    report_and_clear(ctx);
                    error_reported = true;
                    break;
                }
            }
            if let Some(old) = old {
                for lang_abi::VariableRecord { name: variable, ty, .. } in &old.variables {
                    let kept = module
                        .hot
                        .variables
                        .iter()
                        .any(|new| &new.name == variable && &new.ty == ty);
                    if !kept {
                        registry.cell(name, variable, ty)[1].store(2, Ordering::SeqCst);
                    }
                }
            }
        }
        // 4. on_reload, module by module in initialization order (not at the first start).
        if !first && !error_reported {
            for name in &ready.order {
                let Some(module) = ready.modules.iter().find(|module| &module.name == name) else {
                    continue;
                };
                if module
                    .all_functions
                    .iter()
                    .any(|(function, signature)| function == "on_reload" && signature == "fn()")
                {
                    let address = registry.slot(name, "on_reload", "fn()").load(Ordering::SeqCst) as usize;
                    if !call(ctx, address) {
                        report_and_clear(ctx);
                        error_reported = true;
                    }
                }
            }
        }
        // 5. Keep the new versions; report the reload.
        let elapsed = ready.started.elapsed();
        let mut fresh = Vec::new();
        for module in ready.modules {
            let version = state.loaded.get(&module.name).map_or(1, |old| old.version + 1);
            if !first {
                let count = module.changed_functions.len();
                let plural = if count == 1 { "" } else { "s" };
                let names = if count == 0 {
                    String::new()
                } else {
                    format!(" ({})", module.changed_functions.join(", "))
                };
                let removed = if module.removed_functions.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} removed ({})",
                        module.removed_functions.len(),
                        module.removed_functions.join(", ")
                    )
                };
                // The pause is the swap's, so only the first reload line reports it.
                let pause = if migrated > 0 && reloaded.is_empty() {
                    format!(
                        " (main thread paused {:.1} ms to migrate {migrated} value{})",
                        pause_started.elapsed().as_secs_f64() * 1000.0,
                        if migrated == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                };
                let library = match &module.library {
                    Some(library) => format!(" ({library})"),
                    None => String::new(),
                };
                say(format!(
                    "[hmr] {} v{version}{library}: {count} function{plural} changed{names}{removed} in {:.1} ms{pause}\n",
                    module.display_name,
                    elapsed.as_secs_f64() * 1000.0
                ));
                reloaded.push((module.display_name.clone(), version));
            }
            state.loaded.insert(
                module.name.clone(),
                Loaded {
                    version,
                    functions: module.all_functions.clone(),
                    variables: module.hot.variables.clone(),
                },
            );
            fresh.push(module.hot);
        }
        free_unreachable_code(ctx, state, registry);
        state.code.extend(fresh);
    });
    if aborted {
        // Nothing was swapped: the compiler thread must diff the next save against the
        // version that still runs.
        session().apply_failed.store(true, Ordering::SeqCst);
        say("[hmr] reload abandoned: nothing was swapped; the previous version keeps running\n".to_string());
        return Outcome {
            main_changed: false,
            error_reported: false,
            abandoned: true,
            reloaded: Vec::new(),
        };
    }
    Outcome {
        main_changed,
        error_reported,
        abandoned: false,
        reloaded,
    }
}

/// Whether values of a type (as written) are references the collector traces.
fn is_reference_type(ty: &str) -> bool {
    !matches!(ty, "int" | "float" | "bool") && !ty.starts_with("fn(")
}

/// The struct migration of LANGUAGE.md section 7 item 4. Returns false (after recording the
/// error) when a default failed; then nothing was changed.
fn migrate_structs(ctx: &mut Context, ready: &mut Ready, registry: &Registry, migrated: &mut usize) -> bool {
    use lang_runtime_core::abi::{DefaultFunction, lang_rt_struct_desc};
    use lang_runtime_core::heap::Run;
    use lang_runtime_core::object::{
        HANDLE_DESC, HANDLE_PAYLOAD_OFFSET, HOT_FIELDS_OFFSET, Header, PAYLOAD_OWNER_OFFSET, TypeDesc,
    };
    struct Migration {
        module: String,
        name: String,
        desc: *const TypeDesc,
        fields: Vec<(String, String)>,
        /// The new payloads, each naming its handle in its owner word.
        payloads: Vec<usize>,
    }
    let mut migrations = Vec::new();
    // (Instances the collector has not freed yet are migrated too: cheaper than collecting
    // first, which would lengthen the pause.)
    for module in &ready.modules {
        for lang_abi::StructRecord {
            name,
            layout_hash: hash,
            fields,
        } in &module.hot.structs
        {
            let old = registry.desc_cell(&module.name, name).load(Ordering::SeqCst) as *const TypeDesc;
            // SAFETY: descriptors live forever.
            if old.is_null() || unsafe { (*old).layout_hash } == *hash {
                continue;
            }
            let fields: Vec<(String, String)> = fields
                .iter()
                .map(|field| (field.name.clone(), field.ty.clone()))
                .collect();
            let fields = &fields;
            let mut text = format!("hot:{hash}:{name}");
            for (field, ty) in fields {
                let kind = if is_reference_type(ty) { "r" } else { "w" };
                text.push_str(&format!(";{field}:{kind}|{ty}"));
            }
            text.push('\0');
            let desc = lang_rt_struct_desc(ctx, text.as_ptr());
            // The old layout, from the old descriptor.
            // SAFETY: descriptors live forever.
            let old_fields: Vec<(String, String, i64)> = unsafe { &(*old).fields }
                .iter()
                .enumerate()
                .map(|(index, field)| {
                    (
                        field.name.clone(),
                        field.ty.clone(),
                        HOT_FIELDS_OFFSET as i64 + index as i64 * 8,
                    )
                })
                .collect();
            // Where each new field comes from, decided once: an old offset, or a default.
            enum Source {
                Kept(usize),
                Default(DefaultFunction),
                Zero,
            }
            let sources: Vec<Source> = fields
                .iter()
                .map(|(field, ty)| {
                    if let Some((_, _, offset)) = old_fields
                        .iter()
                        .find(|(old_field, old_ty, _)| old_field == field && old_ty == ty)
                    {
                        return Source::Kept(*offset as usize);
                    }
                    match module
                        .hot
                        .defaults
                        .iter()
                        .find(|default| &default.strukt == name && &default.field == field)
                    {
                        // SAFETY: defaults are compiled functions with this ABI.
                        Some(default) => {
                            Source::Default(unsafe { std::mem::transmute::<usize, DefaultFunction>(default.function) })
                        }
                        None => Source::Zero,
                    }
                })
                .collect();
            // Build a new payload for every instance, page by page (a default may allocate,
            // adding pages, so the heap is not borrowed across the walk). Each new payload
            // already names its handle; the handles are switched over only at the commit.
            // SAFETY: descriptors live forever.
            let old_size = HOT_FIELDS_OFFSET as usize + unsafe { (*old).fields.len() } * 8;
            let new_size = HOT_FIELDS_OFFSET as usize + fields.len() * 8;
            ctx.heap.pause += 1;
            let mut news = std::mem::take(&mut ready.migration_scratch);
            let mut run = Run {
                first: 0,
                stride: 0,
                count: 0,
            };
            let mut in_page = Vec::new();
            let pages = ctx.heap.page_count();
            let mut failed = false;
            'pages: for page in 0..=pages {
                in_page.clear();
                if page < pages {
                    ctx.heap.instances_in_page(page, old, old_size, &mut in_page);
                } else {
                    // Structs too large for a size class are allocated one by one.
                    ctx.heap
                        .for_each_large_instance(old, &mut |payload| in_page.push(payload as usize));
                }
                for (index, &old_payload) in in_page.iter().enumerate() {
                    if run.count == 0 {
                        run = ctx.heap.allocate_run(new_size, desc, in_page.len() - index);
                    }
                    let new_payload = run.first;
                    run.first += run.stride;
                    run.count -= 1;
                    news.push(new_payload);
                    // SAFETY: the old payload is a live instance of the old layout, whose owner
                    // word names its handle; the new payload has a word per new field.
                    unsafe {
                        let handle = *((old_payload + PAYLOAD_OWNER_OFFSET as usize) as *const usize);
                        *((new_payload + PAYLOAD_OWNER_OFFSET as usize) as *mut usize) = handle;
                    }
                    for (field_index, source) in sources.iter().enumerate() {
                        let word = match source {
                            // SAFETY: the old payload has this field at this offset.
                            Source::Kept(offset) => unsafe { *((old_payload + offset) as *const u64) },
                            Source::Default(function) => {
                                let result = function(ctx);
                                if result.status != 0 {
                                    failed = true;
                                    break 'pages;
                                }
                                result.word
                            }
                            Source::Zero => 0,
                        };
                        // SAFETY: the new payload has a word per field.
                        unsafe {
                            *((new_payload + HOT_FIELDS_OFFSET as usize + field_index * 8) as *mut u64) = word;
                        }
                    }
                }
            }
            // Payloads allocated but not needed go back to the heap at once, so that no payload
            // without a handle is ever taken for an instance.
            while run.count > 0 {
                // SAFETY: the object was just allocated and nothing refers to it.
                unsafe { ctx.heap.free_object(run.first) };
                run.first += run.stride;
                run.count -= 1;
            }
            migrations.push(Migration {
                module: module.name.clone(),
                name: name.clone(),
                desc,
                fields: fields.clone(),
                payloads: news,
            });
            if failed {
                // Nothing was swapped: every new payload built so far is garbage.
                for migration in &migrations {
                    for &payload in &migration.payloads {
                        // SAFETY: no handle points at the new payloads before the commit.
                        unsafe { ctx.heap.free_object(payload) };
                    }
                }
                ctx.heap.pause -= 1;
                return false;
            }
            ctx.heap.pause -= 1;
        }
    }
    // Commit: point every handle at its new payload, then the cells at the new layout.
    for migration in migrations {
        for &payload in &migration.payloads {
            // SAFETY: payloads and their handles are live objects, and nothing allocates
            // during the commit.
            unsafe {
                let handle = *((payload + PAYLOAD_OWNER_OFFSET as usize) as *const usize);
                *((handle + HANDLE_PAYLOAD_OFFSET as usize) as *mut usize) = payload;
                // A struct that was its own handle becomes a plain handle: its old fields
                // are dead, and the collector must trace only the payload pointer.
                let header = handle as *mut Header;
                (*header).desc = &HANDLE_DESC;
            }
        }
        for (field, ty, cell) in registry.fields_of(&migration.module, &migration.name) {
            let offset = migration
                .fields
                .iter()
                .position(|(new_field, new_ty)| *new_field == field && *new_ty == ty)
                .map_or(-1i64, |index| HOT_FIELDS_OFFSET as i64 + index as i64 * 8);
            cell.store(offset as u64, Ordering::SeqCst);
        }
        for (index, (field, ty)) in migration.fields.iter().enumerate() {
            registry.field(
                &migration.module,
                &migration.name,
                field,
                ty,
                HOT_FIELDS_OFFSET as i64 + index as i64 * 8,
            );
        }
        registry
            .desc_cell(&migration.module, &migration.name)
            .store(migration.desc as u64, Ordering::SeqCst);
        *migrated += migration.payloads.len();
        if !migration.payloads.is_empty() {
            say(format!(
                "[hmr] migrated {} `{}` value{} to the new fields\n",
                migration.payloads.len(),
                migration.name,
                if migration.payloads.len() == 1 { "" } else { "s" }
            ));
        }
    }
    true
}

/// Points each struct's descriptor at the newest field defaults, used when old code builds
/// a struct whose layout changed.
fn update_struct_defaults(ready: &Ready, registry: &Registry) {
    use lang_runtime_core::object::TypeDesc;
    for module in &ready.modules {
        for lang_abi::StructRecord { name, fields, .. } in &module.hot.structs {
            let desc = registry.desc_cell(&module.name, name).load(Ordering::SeqCst) as *const TypeDesc;
            if desc.is_null() {
                continue;
            }
            // SAFETY: descriptors live forever.
            let desc = unsafe { &*desc };
            for (index, lang_abi::FieldRecord { name: field, .. }) in fields.iter().enumerate() {
                let function = module
                    .hot
                    .defaults
                    .iter()
                    .find(|default| &default.strukt == name && &default.field == field)
                    .map_or(0, |default| default.function);
                if let Some(slot) = desc.defaults.get(index) {
                    slot.store(function, Ordering::SeqCst);
                }
            }
        }
    }
}

/// Frees compiled code that nothing can reach any more: no slot points into it (a reload
/// compiles only changed functions, so older versions keep the unchanged ones) and no return
/// address on the script stack does (a conservative scan).
fn free_unreachable_code(ctx: &Context, state: &mut MainState, registry: &Registry) {
    if state.code.is_empty() {
        return;
    }
    let mut in_use = vec![false; state.code.len()];
    let mut mark = |word: usize| {
        for (index, module) in state.code.iter().enumerate() {
            if word >= module.code_range.0 && word < module.code_range.1 {
                in_use[index] = true;
            }
        }
    };
    for value in registry.slot_values() {
        mark(value as usize);
    }
    let marker = 0usize;
    let mut address = std::hint::black_box(&marker) as *const usize as usize & !7;
    while address < ctx.heap.stack_base {
        // SAFETY: from this frame to the base is the live part of the script thread's stack.
        mark(unsafe { *(address as *const usize) });
        address += 8;
    }
    let code = std::mem::take(&mut state.code);
    for (module, used) in code.into_iter().zip(in_use) {
        if used {
            state.code.push(module);
        } else {
            // SAFETY: no slot and no return address points into it.
            unsafe { module.free() };
        }
    }
}

/// Has the memory for the new payloads of every struct whose fields changed mapped now, on
/// the compiler thread, so the script thread's pause only fills it in.
/// Returns room for the list of new payloads, touched.
fn prepare_migration_memory(ready: &Ready, registry: &Registry) -> Vec<usize> {
    use lang_runtime_core::object::{HOT_FIELDS_OFFSET, TypeDesc};
    let mut instances = 0;
    for module in &ready.modules {
        for lang_abi::StructRecord {
            name,
            layout_hash: hash,
            fields,
        } in &module.hot.structs
        {
            let old = registry.desc_cell(&module.name, name).load(Ordering::SeqCst) as *const TypeDesc;
            // SAFETY: descriptors live forever.
            if old.is_null() || unsafe { (*old).layout_hash } == *hash {
                continue;
            }
            // SAFETY: as above.
            let old_size = HOT_FIELDS_OFFSET as usize + unsafe { (*old).fields.len() } * 8;
            let new_size = HOT_FIELDS_OFFSET as usize + fields.len() * 8;
            instances += lang_runtime_core::heap::prepare_pages(old_size, new_size);
        }
    }
    let mut scratch = vec![1; instances];
    scratch.clear();
    scratch
}
