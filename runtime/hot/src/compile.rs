//! Compiling a new version of a program off the main thread: check the whole program, decide
//! which modules changed (or depend on an interface that changed), refuse what cannot be
//! swapped, and compile each of those modules into its own JIT module.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lang_compiler::codegen::jit::HotModule;
use lang_compiler::codegen::{CodegenOptions, HotTarget, token_hash};
use lang_compiler::sema::ModuleId;
use lang_compiler::sema::types::StructId;
use lang_compiler::source::SourceOrigin;
use lang_compiler::{
    CheckedProgram, FileSystemLoader, ParseCache, check_program, check_program_with_cache, diagnostics,
};

use crate::code::{CodeModule, CodeOwner, ModuleUpdate, Ready};
use crate::registry::Registry;
use crate::session::Producer;

/// What is known about the version of the program that runs (or is about to).
pub struct Snapshot {
    /// Per module name: a hash of its source text.
    pub sources: HashMap<String, u64>,
    /// Per module name: its interface hash.
    pub interfaces: HashMap<String, u64>,
    /// Per (module, function): a hash of the function's tokens.
    pub functions: HashMap<(String, String), u64>,
    /// Per (module, struct): its layout.
    pub structs: HashMap<(String, String), String>,
    /// Per module: a hash of its struct declarations' tokens. Importers build that module's
    /// structs with its field defaults, so a changed default recompiles them.
    pub struct_declarations: HashMap<String, u64>,
    /// Per module: a hash of everything but function bodies (imports, structs, variables and
    /// every function's signature). When it is unchanged, only the functions whose tokens
    /// changed need compiling: the others' code is still right.
    pub shapes: HashMap<String, u64>,
    /// Every file of the program, for the watcher and to notice deletions.
    pub files: Vec<PathBuf>,
    /// The hash of each file's text as this version compiled it (in the order of `files`), as
    /// `file_hashes` computes it: a save that lands during a compile differs from these and
    /// gets its own reload.
    pub compiled_hashes: Vec<u64>,
}

/// A module's JIT code, owned until no frame can return into it.
struct JitCode(HotModule);

// SAFETY: a JIT module is only handed from the compiling thread to the main thread, which
// alone uses it from then on.
unsafe impl Send for JitCode {}

impl CodeOwner for JitCode {
    unsafe fn free(self: Box<Self>) {
        // SAFETY: the caller's promise.
        unsafe { self.0.free() }
    }
}

fn code_module(mut hot: HotModule) -> CodeModule {
    CodeModule {
        setup: hot.setup,
        functions: std::mem::take(&mut hot.functions),
        variables: std::mem::take(&mut hot.variables),
        slot_patches: std::mem::take(&mut hot.slot_patches),
        structs: std::mem::take(&mut hot.structs),
        defaults: std::mem::take(&mut hot.defaults),
        code_range: hot.code_range,
        owner: Box::new(JitCode(hot)),
    }
}

/// Why a new version was not produced.
pub enum Rejected {
    /// Compile errors (already rendered).
    Errors(String),
    /// Something a reload cannot do yet, explained.
    Unsupported(String),
}

fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Hashes of the program's files as they are on disk now (`None` when one is missing).
pub fn file_hashes(files: &[PathBuf]) -> Option<Vec<u64>> {
    files
        .iter()
        .map(|path| {
            std::fs::read(path)
                .ok()
                .map(|bytes| hash_text(&String::from_utf8_lossy(&bytes)))
        })
        .collect()
}

fn struct_layout(checked: &CheckedProgram, id: StructId) -> String {
    let info = checked.items.struct_info(id);
    info.fields
        .iter()
        .map(|field| format!("{}:{}", field.name, checked.type_key(&field.ty)))
        .collect::<Vec<_>>()
        .join(",")
}

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

fn virtual_module(path: &Path) -> Option<String> {
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
struct Loader {
    missing: Vec<PathBuf>,
}

impl lang_compiler::SourceLoader for Loader {
    fn load(&mut self, path: &Path) -> Result<String, lang_compiler::LoadError> {
        if let Some(source) = virtual_module(path) {
            return Ok(source);
        }
        let result = FileSystemLoader.load(path);
        if matches!(result, Err(lang_compiler::LoadError::NotFound)) {
            self.missing.push(path.to_path_buf());
        }
        result
    }
}

fn snapshot(checked: &CheckedProgram) -> Snapshot {
    let mut sources = HashMap::new();
    let mut interfaces = HashMap::new();
    let mut files = Vec::new();
    let mut compiled_hashes = Vec::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        let file = checked.sources.get(module.file);
        sources.insert(module.name.clone(), hash_text(&file.text));
        if let Some(interface) = checked.interfaces.get(index) {
            interfaces.insert(module.name.clone(), interface.hash_value());
        }
        if let SourceOrigin::File(path) = &file.origin
            && virtual_module(path).is_none()
        {
            files.push(path.clone());
            compiled_hashes.push(hash_text(&file.text));
        }
    }
    let mut functions = HashMap::new();
    let declarations = checked.function_declarations();
    for (info, declaration) in checked.items.functions.iter().zip(declarations) {
        let module = checked.program.module(info.module);
        let text = &checked.sources.get(module.file).text;
        if let Some(declaration) = declaration {
            functions.insert(
                (module.name.clone(), info.name.clone()),
                token_hash(&text[declaration.span.range()]),
            );
        }
    }
    let mut shapes = HashMap::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        let text = &checked.sources.get(module.file).text;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for item in &module.ast.items {
            match item {
                lang_compiler::syntax::ast::Item::Function(_) => {}
                lang_compiler::syntax::ast::Item::Import(import) => {
                    token_hash(&text[import.span.range()]).hash(&mut hasher)
                }
                lang_compiler::syntax::ast::Item::Struct(declaration) => {
                    token_hash(&text[declaration.span.range()]).hash(&mut hasher)
                }
                lang_compiler::syntax::ast::Item::Variable(declaration) => {
                    token_hash(&text[declaration.span.range()]).hash(&mut hasher)
                }
            }
        }
        let mut signatures: Vec<String> = checked
            .items
            .functions
            .iter()
            .filter(|info| info.module.0 as usize == index)
            .map(|info| format!("{}:{}", info.name, checked.type_key(&info.ty())))
            .collect();
        signatures.sort();
        signatures.hash(&mut hasher);
        shapes.insert(module.name.clone(), hasher.finish());
    }
    let mut struct_declarations = HashMap::new();
    for module in &checked.program.modules {
        let text = &checked.sources.get(module.file).text;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for item in &module.ast.items {
            if let lang_compiler::syntax::ast::Item::Struct(declaration) = item {
                token_hash(&text[declaration.span.range()]).hash(&mut hasher);
            }
        }
        struct_declarations.insert(module.name.clone(), hasher.finish());
    }
    let mut structs = HashMap::new();
    for (index, info) in checked.items.structs.iter().enumerate() {
        let module = &checked.program.module(info.module).name;
        structs.insert(
            (module.clone(), info.name.clone()),
            struct_layout(checked, StructId(index as u32)),
        );
    }
    Snapshot {
        sources,
        interfaces,
        functions,
        structs,
        struct_declarations,
        shapes,
        files,
        compiled_hashes,
    }
}

fn color() -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// Checks and compiles the program at `root`. With a previous snapshot, only modules that
/// changed (and dependents of changed interfaces) are compiled.
/// The module files looked for and not found are left in `missing`.
pub fn compile(
    root: &Path,
    registry: &Registry,
    symbols: &[(&str, *const u8)],
    previous: Option<&Snapshot>,
    started: Instant,
    missing: &mut Vec<PathBuf>,
    parse_cache: Option<&mut ParseCache>,
) -> Result<(Ready, Snapshot), Rejected> {
    let mut loader = Loader::default();
    let checked = match parse_cache {
        Some(parse_cache) => check_program_with_cache(root, &mut loader, parse_cache),
        None => check_program(root, &mut loader),
    };
    *missing = loader.missing;
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => return Err(Rejected::Errors(format!("error: {error}\n"))),
    };
    if checked.has_errors() || !checked.diagnostics.is_empty() {
        let text = diagnostics::render(&checked.diagnostics, &checked.sources, color());
        if checked.has_errors() {
            return Err(Rejected::Errors(text));
        }
        eprint!("{text}");
    }
    let next = snapshot(&checked);
    let names: Vec<String> = checked
        .program
        .modules
        .iter()
        .map(|module| module.name.clone())
        .collect();

    let mut recompile: HashSet<usize> = HashSet::new();
    // Modules that must be compiled whole: new ones, changed shapes, and dependents of
    // changed interfaces. The others compile only their changed functions.
    let mut whole: HashSet<usize> = HashSet::new();
    match previous {
        None => recompile.extend(0..names.len()),
        Some(previous) => {
            // A struct whose fields changed is migrated at the swap: every field that is new,
            // or whose type changed, needs a default to give its existing instances.
            for (index, info) in checked.items.structs.iter().enumerate() {
                let module = &checked.program.module(info.module).name;
                let key = (module.clone(), info.name.clone());
                let Some(old) = previous.structs.get(&key) else {
                    continue;
                };
                if next.structs.get(&key) == Some(old) {
                    continue;
                }
                let old_fields: HashSet<&str> = old.split(',').collect();
                for field in &info.fields {
                    let entry = format!("{}:{}", field.name, checked.type_key(&field.ty));
                    if !old_fields.contains(entry.as_str()) && !field.has_default {
                        let _ = StructId(index as u32);
                        return Err(Rejected::Unsupported(format!(
                            "field `{}` of struct `{}` ({}) is new or changed its type, and has no default: the \
                             existing `{}` values need one to be migrated; give it a default (`{}: {} = ...`) \
                             and save again",
                            field.name,
                            info.name,
                            checked.sources.get(info.file).display_name,
                            info.name,
                            field.name,
                            checked.items.display(&field.ty)
                        )));
                    }
                }
            }
            let mut interface_changed: HashSet<usize> = HashSet::new();
            for (index, name) in names.iter().enumerate() {
                if previous.sources.get(name) != next.sources.get(name) {
                    recompile.insert(index);
                    if previous.shapes.get(name) != next.shapes.get(name) {
                        whole.insert(index);
                    }
                }
                if previous.interfaces.get(name) != next.interfaces.get(name)
                    || previous.struct_declarations.get(name) != next.struct_declarations.get(name)
                {
                    interface_changed.insert(index);
                }
            }
            // Dependents of a changed interface are checked against it and compiled again,
            // transitively, so that their calls use the new signatures.
            let mut changed = true;
            while changed {
                changed = false;
                for (index, module) in checked.program.modules.iter().enumerate() {
                    let depends = module.imports.iter().any(|(_, target)| {
                        target.is_some_and(|target| interface_changed.contains(&(target.0 as usize)))
                    });
                    if depends {
                        whole.insert(index);
                        if recompile.insert(index) {
                            changed = true;
                        }
                    }
                }
            }
        }
    }

    // `LANG_DUMP_ASM=1` prints the machine code of every compiled function, as in `lang run`.
    let dump_assembly = std::env::var_os("LANG_DUMP_ASM").is_some_and(|value| !value.is_empty() && value != "0");
    let mut modules = Vec::new();
    let mut indices: Vec<usize> = recompile.into_iter().collect();
    indices.sort_unstable();
    for index in indices {
        let module = ModuleId(index as u32);
        let name = names[index].clone();
        let changed_functions: Vec<String> = checked
            .items
            .functions
            .iter()
            .filter(|info| info.module == module)
            .filter(|info| {
                let key = (name.clone(), info.name.clone());
                previous.is_none_or(|previous| previous.functions.get(&key) != next.functions.get(&key))
            })
            .map(|info| info.name.clone())
            .collect();
        let partial: HashSet<String> = changed_functions.iter().cloned().collect();
        let whole_module = previous.is_none() || whole.contains(&index);
        let hot = HotModule::compile(
            &checked,
            HotTarget {
                module,
                linker: registry,
                functions: if whole_module { None } else { Some(&partial) },
            },
            symbols,
            CodegenOptions {
                disassemble: dump_assembly,
                ..CodegenOptions::default()
            },
        )
        .map_err(|error| Rejected::Errors(format!("error: internal compiler error: {error}\n")))?;
        if dump_assembly {
            eprint!("{}", hot.disassembly);
        }
        let all_functions = checked
            .items
            .functions
            .iter()
            .filter(|info| info.module == module)
            .map(|info| (info.name.clone(), checked.type_key(&info.ty())))
            .collect();
        let mut removed_functions: Vec<String> = previous
            .map(|previous| {
                previous
                    .functions
                    .keys()
                    .filter(|(module, function)| {
                        *module == name && !next.functions.contains_key(&(module.clone(), function.clone()))
                    })
                    .map(|(_, function)| function.clone())
                    .collect()
            })
            .unwrap_or_default();
        removed_functions.sort();
        let display_name = checked
            .sources
            .get(checked.program.module(module).file)
            .display_name
            .clone();
        modules.push(ModuleUpdate {
            name,
            display_name,
            hot: code_module(hot),
            changed_functions,
            removed_functions,
            all_functions,
            library: None,
        });
    }
    let main_module = names.first().cloned().unwrap_or_default();
    let main_key = (main_module.clone(), "main".to_string());
    let main_changed =
        previous.is_some_and(|previous| previous.functions.get(&main_key) != next.functions.get(&main_key));
    let order = checked
        .program
        .initialization_order()
        .into_iter()
        .map(|module| names[module.0 as usize].clone())
        .collect();
    Ok((
        Ready {
            modules,
            order,
            main_module,
            main_changed,
            started,
            migration_scratch: Vec::new(),
        },
        next,
    ))
}

/// The compiler thread: compiles the first version, then watches the program's folders and
/// compiles a new version for each save.
pub fn compiler_thread(root: PathBuf, producer: Producer) {
    // Each save checks the whole program again: unchanged files need not be parsed again.
    let mut parse_cache = ParseCache::default();
    let registry = producer.registry();
    let symbols = crate::symbols();
    // The watcher starts before the first compile: a save made while the program starts up
    // (even before its first line of output) must not be missed.
    let (sender, events) = std::sync::mpsc::channel::<bool>();
    let mut watcher = match crate::watcher::Watcher::new(sender) {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            eprintln!("[hmr] cannot watch the program's files: {error}; hot reload is off");
            None
        }
    };
    if let Some(watcher) = &mut watcher {
        watcher.watch_files(std::slice::from_ref(&root));
    }
    let mut missing = Vec::new();
    let (first, mut snapshot) = match compile(
        &root,
        registry,
        &symbols,
        None,
        Instant::now(),
        &mut missing,
        Some(&mut parse_cache),
    ) {
        Ok(result) => result,
        Err(Rejected::Errors(text) | Rejected::Unsupported(text)) => {
            producer.start(Err(text));
            return;
        }
    };
    let Some(mut watcher) = watcher else {
        producer.start(Ok(first));
        return;
    };
    watcher.watch_files(&snapshot.files);
    watcher.watch_files(&missing);
    producer.start(Ok(first));

    // Hashes of the texts that were compiled, not of the files now: a save that landed during
    // a compile differs from them and gets its own reload. The module files the compile did
    // not find count as missing (`MISSING`) until they appear.
    let with_missing = |mut hashes: Vec<u64>, missing: &[PathBuf]| {
        hashes.extend(missing.iter().map(|_| MISSING));
        hashes
    };
    let mut last_hashes = Some(with_missing(snapshot.compiled_hashes.clone(), &missing));
    let mut running_hashes = last_hashes.clone();
    let mut last_rejected = false;
    let mut versions: HashMap<String, u32> = HashMap::new();
    let mut retry = false;
    let mut previous_snapshot: Option<Snapshot> = None;
    // Whether saves came while the last version was compiled: a burst.
    let mut in_burst = false;
    loop {
        let mut complete = true;
        if !std::mem::take(&mut retry) {
            match events.recv() {
                Ok(event) => complete = event,
                Err(_) => break,
            }
        }
        let started = Instant::now();
        // React at once to the end of a save; in the middle of one (an in-place write has
        // truncated the file, or written part of it), wait for the writer to close it. Every
        // writer closes the file when done, so this costs nothing on an ordinary save; the
        // limit only matters for an event that no close follows (a change of permissions).
        let deadline = started + MID_SAVE_WAIT;
        while !complete {
            match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => complete = event,
                Err(_) => break,
            }
        }
        // Saves that came while the previous version was compiled are a burst (a script or
        // a formatter saving many times): wait until they stop, so that a burst gives a few
        // reloads, the last version winning (LANGUAGE.md section 7 item 9). A lone save, or
        // one made after the previous reload was seen, is compiled at once: a fixed debounce
        // would cost its whole length on every save.
        if std::mem::take(&mut in_burst) {
            let burst_deadline = started + BURST_LIMIT;
            while events.recv_timeout(BURST_QUIET).is_ok() {
                if Instant::now() >= burst_deadline {
                    break;
                }
            }
        }
        // Every event queued meanwhile belongs to the same save.
        while events.try_recv().is_ok() {}
        // A file of the running program may be missing (deleted, or mid-way through
        // delete-and-recreate). The program is compiled anyway, in case the new version no
        // longer needs it (a module renamed: the import changed, the old file deleted); if
        // the compile fails, nothing is reported and the current version keeps running
        // until the file is back (LANGUAGE.md section 7 item 9).
        let (hashes, file_missing) = match file_hashes(&snapshot.files) {
            Some(hashes) => (hashes, false),
            None => (with_present(Vec::new(), &snapshot.files), true),
        };
        let hashes = with_present(hashes, &missing);
        if Some(&hashes) == last_hashes.as_ref() {
            continue;
        }
        if Some(&hashes) == running_hashes.as_ref() {
            // Back to the text that runs (a rejected edit undone): nothing to compile.
            last_hashes = Some(hashes);
            if std::mem::take(&mut last_rejected) {
                eprintln!(
                    "[hmr] back to the running version ({}); nothing to reload",
                    describe_versions(&snapshot, &versions)
                );
            }
            continue;
        }
        last_hashes = Some(hashes);
        // Wait until the previous version was applied: each version is compiled against the
        // one that runs.
        producer.wait_until_taken();
        if producer.take_apply_failed()
            && let Some(previous) = previous_snapshot.take()
        {
            snapshot = previous;
            running_hashes = None;
        }
        let looked_for = missing.len();
        let result = compile(
            &root,
            registry,
            &symbols,
            Some(&snapshot),
            started,
            &mut missing,
            Some(&mut parse_cache),
        );
        watcher.watch_files(&missing);
        if events.try_recv().is_ok() {
            // That save is compiled next (after the burst ends), without waiting for another.
            in_burst = true;
            retry = true;
        }
        match result {
            Ok((ready, next)) => {
                last_rejected = false;
                for module in &ready.modules {
                    *versions.entry(module.name.clone()).or_insert(1) += 1;
                }
                previous_snapshot = Some(std::mem::replace(&mut snapshot, next));
                watcher.watch_files(&snapshot.files);
                last_hashes = Some(with_missing(snapshot.compiled_hashes.clone(), &missing));
                running_hashes = last_hashes.clone();
                producer.publish(ready);
            }
            Err(rejected) => {
                // Compare the next save with what was just compiled: the same files, and the
                // module files this compile did not find.
                if let Some(hashes) = last_hashes.take() {
                    let files = hashes.len() - looked_for;
                    last_hashes = Some(with_missing(hashes[..files].to_vec(), &missing));
                }
                if file_missing {
                    // Most likely the missing file is still needed: wait for it quietly.
                    continue;
                }
                // A writer that pauses between truncating and writing the file (or an
                // editor writing in several steps) would be read half-written: if another
                // event follows soon, compile again instead of reporting this attempt.
                if in_burst || events.recv_timeout(Duration::from_millis(50)).is_ok() {
                    while events.try_recv().is_ok() {}
                    last_hashes = None;
                    retry = true;
                    continue;
                }
                last_rejected = true;
                let text = match rejected {
                    Rejected::Errors(text) => text,
                    Rejected::Unsupported(text) => format!("error: {text}\n"),
                };
                let running = describe_versions(&snapshot, &versions);
                producer.reject(format!("{text}[hmr] reload rejected; still running {running}\n"));
            }
        }
    }
    drop(watcher);
}

/// How long to wait for the writer to close a file it is writing.
const MID_SAVE_WAIT: Duration = Duration::from_millis(1000);

/// In a burst, compile once no save came for this long...
const BURST_QUIET: Duration = Duration::from_millis(40);
/// ...or after this long, so that saving without pause still shows progress.
const BURST_LIMIT: Duration = Duration::from_millis(1000);

/// What stands for a module file that does not exist in a list of file hashes.
const MISSING: u64 = u64::MAX;

/// `hashes` followed by, for each file of `missing`, its hash if it exists now, or `MISSING`.
fn with_present(mut hashes: Vec<u64>, missing: &[PathBuf]) -> Vec<u64> {
    hashes.extend(missing.iter().map(|path| match std::fs::read(path) {
        Ok(bytes) => hash_text(&String::from_utf8_lossy(&bytes)),
        Err(_) => MISSING,
    }));
    hashes
}

fn describe_versions(snapshot: &Snapshot, versions: &HashMap<String, u32>) -> String {
    let mut names: Vec<&String> = snapshot.sources.keys().collect();
    names.sort();
    let parts: Vec<String> = names
        .iter()
        .filter(|name| {
            snapshot
                .files
                .iter()
                .any(|file| file.file_stem().is_some_and(|stem| stem == name.as_str()))
        })
        .map(|name| format!("{name}.ln v{}", versions.get(*name).copied().unwrap_or(1)))
        .collect();
    parts.join(", ")
}

/// The producer of an embedded engine: the first version, then (with `hmr`) a new version
/// for each save, which the host applies when it polls.
pub fn embedded_producer(root: PathBuf, producer: Producer, hmr: bool) {
    if hmr {
        return compiler_thread(root, producer);
    }
    let symbols = crate::symbols();
    match compile(
        &root,
        producer.registry(),
        &symbols,
        None,
        Instant::now(),
        &mut Vec::new(),
        // One check: no trees to keep for a next one.
        None,
    ) {
        Ok((first, _)) => producer.start(Ok(first)),
        Err(Rejected::Errors(text) | Rejected::Unsupported(text)) => producer.start(Err(text)),
    }
}
